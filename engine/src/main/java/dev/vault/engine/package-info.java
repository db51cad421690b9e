/** vault's engines: Git sync of a workspace through a hub, and the deduplicated backup repository. */
package dev.vault.engine;
