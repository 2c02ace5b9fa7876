/*
 * cli/cmd_batch.h — `kaifang batch`: decide every row of a CSV or JSON Lines
 * file, streaming, and write the same rows with the decision appended
 * (docs/batch.md).
 */
#ifndef KF_CLI_CMD_BATCH_H
#define KF_CLI_CMD_BATCH_H

/* Runs `kaifang batch IN [-o OUT] [--format csv|jsonl] [--strict] [--rulebook DIR]`.
 * argv[0] is "batch". Returns the process exit code: 0 when every row was
 * read (rows with bad input carry an error column), 2 on a usage error, a
 * missing required column, an unreadable input or unwritable output, or the
 * first bad row under --strict; 3 when the rulebook is invalid; 70 when out of
 * memory. */
int kf_cli_batch(int argc, char **argv);

#endif
