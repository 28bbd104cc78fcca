/** HTTP API and dashboard (docs/architecture.md); no sibling imports it yet, so nothing is exported. */
module io.perstack.server {
    requires transitive io.perstack.runtime;
}
