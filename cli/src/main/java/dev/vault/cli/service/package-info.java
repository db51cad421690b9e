/** Start-at-login definitions for the vault daemon: systemd user units, launchd agents, Windows scheduled tasks. */
package dev.vault.cli.service;
