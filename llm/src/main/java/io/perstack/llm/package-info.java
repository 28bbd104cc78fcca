/**
 * The provider SPI the agent loop generates through: requests, streamed deltas, results, classified failures, and
 * resolution of provider settings and credentials from configuration and the merged environment.
 */
package io.perstack.llm;
