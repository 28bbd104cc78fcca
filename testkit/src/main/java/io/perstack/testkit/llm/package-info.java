/** A scripted LLM server that speaks provider wire formats on loopback so runtime tests never call a real provider. */
package io.perstack.testkit.llm;
