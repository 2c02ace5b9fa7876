/*
 * cli/cmd_registry.h — `kaifang registry` (cli/cmd_registry.c).
 */
#ifndef KF_CLI_CMD_REGISTRY_H
#define KF_CLI_CMD_REGISTRY_H

/* The registry command: argv[0] is "kaifang", argv[1] the subcommand.
 * Returns the process exit code. */
int kf_cli_registry(int argc, char **argv);

#endif
