/** Amazon Bedrock Converse over our own HTTP: SigV4 signing, the AWS binary event stream, Converse JSON. */
package io.perstack.llm.bedrock;
