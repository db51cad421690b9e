/** The backup repository and its operations (init, backup, restore, check, forget, prune, keys, locks), built on storage → blobs/packs → index → trees → snapshots. */
package dev.vault.engine.repo;
