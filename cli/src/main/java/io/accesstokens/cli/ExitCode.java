package io.accesstokens.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The console's exit codes: what a script can rely on. Listed in every command's help and in the
 * docs/console.md (a test keeps the three the same).
 */
enum ExitCode {
  OK(0, "Done."),
  REFUSED(
      1,
      "Refused: validate found the token invalid (INVALID_TOKEN), or delete was not confirmed;"
          + " or scan found a token value; or revoke-leaked revoked no token."),
  USAGE(
      2,
      "Usage error: a missing or bad argument, option or input; or scan could not read a file"
          + " (it still scans the others, and this code wins over 1)."),
  NOT_FOUND(
      3, "No such token in the organization (never created, deleted, or another organization's)."),
  NOT_ENTITLED(
      4,
      "The organization is not configured or has no EDI access, or the environment is not"
          + " one of the organization's."),
  STORE_UNAVAILABLE(
      5, "The database cannot be opened or did not answer (validate: STORE_UNAVAILABLE)."),
  COPY_UNAVAILABLE(
      6, "Copy cannot show the value: no key, or the value is sealed under another key."),
  CONFLICT(
      7,
      "The token was changed concurrently, or cannot be rotated (inactive, expired, already"
          + " rotated); read it again (list) and decide."),
  CONFIGURATION(
      8,
      "The configuration file, the key file or a key variable is unreadable, invalid or open to"
          + " other users; or there is no copy key while the database holds values sealed under"
          + " one."),
  LIMIT_REACHED(
      9,
      "Create was refused: the organization holds as many tokens as its limit allows"
          + " (ACCESS_TOKENS_MAX_TOKENS; inactive tokens count too); delete one first."),
  SOFTWARE(70, "Unexpected error (a bug); run again with --verbose for the stack trace.");

  private final int code;
  private final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  int code() {
    return code;
  }

  String meaning() {
    return meaning;
  }

  /** For picocli's exit code list: code (right-aligned) to meaning. */
  static Map<String, String> helpList() {
    Map<String, String> list = new LinkedHashMap<>();
    for (ExitCode exit : values()) {
      list.put(String.format("%3d", exit.code), exit.meaning);
    }
    return list;
  }
}
