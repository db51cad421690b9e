/**
 * The daemon: one long-running process per workspace that composes the sync loop (interval, file
 * changes, hub changes), the volume monitor and the target scheduler, isolating each part's errors.
 */
package dev.vault.cli.daemon;
