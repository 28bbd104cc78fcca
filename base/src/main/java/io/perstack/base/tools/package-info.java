/** The seventeen tools of docs/base-skill.md: their schemas and descriptions, file tools, {@code exec} and control tools. */
package io.perstack.base.tools;
