package io.accesstokens.cli;

import io.accesstokens.internal.Redaction;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A message about a command line, with every argument a person may have pasted a token value into
 * shown by kind and length only ({@link Redaction#describe}): picocli's errors quote arguments
 * whole ("Unmatched argument at index 3: 'atk_...'"), and a message of the library or the console
 * may quote part of one. Every error the console prints passes through here, whatever produced it.
 *
 * <p>Three passes, each catching what the one before cannot:
 *
 * <ol>
 *   <li>each argument that may hold a secret (and its value after {@code =}, and its text after
 *       leading dashes) is replaced, quotes included, wherever the message quotes it whole;
 *   <li>a quoted fragment ({@code '...'} or {@code "..."}) that may hold a secret is replaced, for
 *       text that never was an argument as such (the contents of a variable, a value split off an
 *       option);
 *   <li>any run of {@value #PIECE} or more characters that the message shares with token-shaped
 *       text of an argument (a value after its prefix, a long run mixing upper case, lower case and
 *       digits) is replaced, for a message that quotes part of one.
 * </ol>
 */
final class ArgumentRedaction {
  /** The shortest piece of an argument's token-shaped text that counts as quoting it. */
  static final int PIECE = 8;

  private static final Pattern QUOTED = Pattern.compile("'([^'\\n]*)'|\"([^\"\\n]*)\"");
  private static final Pattern BASE62_RUN = Pattern.compile("[0-9A-Za-z]{" + PIECE + ",}");

  private final List<String> arguments;
  private final boolean broad;

  /**
   * @param arguments what the person typed or set (arguments, and variables that stand for options)
   * @param broad whether to replace every argument that may hold a secret ({@link
   *     Redaction#mayHoldSecret}, for picocli's messages, which quote arguments and little else) or
   *     only the token-shaped ones ({@link Redaction#isTokenShaped}, for the console's and the
   *     library's messages, which name paths and ids the person gave and must keep them readable)
   */
  ArgumentRedaction(Collection<String> arguments, boolean broad) {
    this.arguments = List.copyOf(arguments);
    this.broad = broad;
  }

  String redact(String message) {
    String redacted = wholeArguments(message);
    if (broad) {
      redacted = quotedFragments(redacted);
    }
    return pieces(redacted);
  }

  private boolean sensitive(String text) {
    return broad ? Redaction.mayHoldSecret(text) : Redaction.isTokenShaped(text);
  }

  private String wholeArguments(String message) {
    List<String> candidates = new ArrayList<>();
    for (String argument : arguments) {
      candidates.add(argument);
      int equals = argument.indexOf('=');
      if (argument.startsWith("-") && equals > 0) {
        candidates.add(argument.substring(equals + 1));
      }
      String undashed = argument.replaceFirst("^-+", "");
      if (!undashed.equals(argument)) {
        candidates.add(undashed);
      }
    }
    candidates.removeIf(candidate -> candidate.isEmpty() || !sensitive(candidate));
    candidates.sort(Comparator.comparingInt(String::length).reversed());
    String redacted = message;
    for (String candidate : candidates) {
      String described = Redaction.describe(candidate);
      redacted =
          redacted
              .replace("'" + candidate + "'", described)
              .replace("\"" + candidate + "\"", described)
              .replace(candidate, described);
    }
    return redacted;
  }

  private static String quotedFragments(String message) {
    Matcher quoted = QUOTED.matcher(message);
    StringBuilder out = new StringBuilder();
    while (quoted.find()) {
      String inside = quoted.group(1) != null ? quoted.group(1) : quoted.group(2);
      quoted.appendReplacement(
          out,
          Matcher.quoteReplacement(
              Redaction.mayHoldSecret(inside) ? Redaction.describe(inside) : quoted.group()));
    }
    quoted.appendTail(out);
    return out.toString();
  }

  /**
   * Marks every character the message shares, in a run of {@value #PIECE}, with a secret run of an
   * argument.
   */
  private String pieces(String message) {
    boolean[] marked = new boolean[message.length()];
    boolean any = false;
    for (String secret : secretRuns()) {
      for (int from = 0; from + PIECE <= secret.length(); from++) {
        String window = secret.substring(from, from + PIECE);
        for (int at = message.indexOf(window); at >= 0; at = message.indexOf(window, at + 1)) {
          for (int i = at; i < at + PIECE; i++) {
            marked[i] = true;
          }
          any = true;
        }
      }
    }
    if (!any) {
      return message;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < message.length(); i++) {
      if (!marked[i]) {
        out.append(message.charAt(i));
      } else if (i == 0 || !marked[i - 1]) {
        out.append("[part of a token value]");
      }
    }
    return out.toString();
  }

  /**
   * The runs of the arguments that are token material: a run right after the token prefix, or a run
   * that is token-shaped by itself. The rest of an argument (a path's directories, say) may be
   * quoted.
   */
  private List<String> secretRuns() {
    List<String> runs = new ArrayList<>();
    for (String argument : arguments) {
      Matcher run = BASE62_RUN.matcher(argument);
      while (run.find()) {
        boolean afterPrefix =
            run.start() >= 4
                && argument.substring(run.start() - 4, run.start()).equalsIgnoreCase("atk_");
        if (afterPrefix || Redaction.isTokenShaped(run.group())) {
          runs.add(run.group());
        }
      }
    }
    return runs;
  }
}
