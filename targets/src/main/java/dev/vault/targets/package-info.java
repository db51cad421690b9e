/** Where backups go: target kinds, volume detection, markers, schedule policy, replication runs, export bundles. */
package dev.vault.targets;
