/** Index files (which blob is in which pack, at which offset) and the in-memory master index built from all of them. */
package dev.vault.engine.repo.index;
