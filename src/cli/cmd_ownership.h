/*
 * cli/cmd_ownership.h — `kaifang ownership`: look-through ownership from a
 * BODS or GLEIF JSON file or a directory with entities.csv and holdings.csv.
 */
#ifndef KF_CLI_CMD_OWNERSHIP_H
#define KF_CLI_CMD_OWNERSHIP_H

/* argv[0] is "ownership". Prints data on stdout, diagnostics on stderr
 * prefixed "kaifang: ". Returns the exit code: 0 ok, 2 usage or input error,
 * 70 internal (out of memory). */
int kf_cli_ownership(int argc, char **argv);

#endif
