/** Google Gemini through LangChain4j, addressed either at the Gemini API (key) or at Vertex AI (OAuth2 token). */
package io.perstack.llm.google;
