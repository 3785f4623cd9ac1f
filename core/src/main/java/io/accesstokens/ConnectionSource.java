package io.accesstokens;

import io.accesstokens.internal.Checks;
import java.net.InetAddress;

/**
 * Where a connection came from, as the host saw it (for example {@code 10.0.0.7}, {@code
 * [2001:db8::7]:443} or a proxy's {@code X-Forwarded-For} entry): what {@link
 * TokenValidator#validate(String, Scope, OrganizationId, EnvironmentId, ConnectionSource)} records
 * beside a token's last use, for the page's Last used column ({@link AccessToken#lastUsedFrom}).
 * Passing one is never required.
 *
 * <p>The connection's peer controls this text, so it is checked before it is kept or shown: 1 to
 * {@value #MAX_LENGTH} printable ASCII characters ({@code ' '} to {@code '~'}), not starting or
 * ending with a space, and nothing that looks like a token value (a value pasted here would be
 * stored and listed in clear). ASCII is enough for every address form (IPv4, IPv6 with a zone, host
 * names in their ASCII form, ports) and keeps the stored length the same in characters and bytes on
 * every database; control characters, line breaks and bidirectional overrides, which would let a
 * row or a log line render as something else, cannot appear.
 *
 * @param address the source address, as the host formats it
 */
public record ConnectionSource(String address) {
  /** The longest address, in characters (the JDBC stores' column holds this many). */
  public static final int MAX_LENGTH = 255;

  /**
   * @throws IllegalArgumentException naming the rule {@code address} breaks, never quoting it
   * @throws NullPointerException if {@code address} is null
   */
  public ConnectionSource {
    Checks.notNull(address, "connection source address");
    Checks.argument(!address.isEmpty(), "connection source address must not be empty");
    Checks.argument(
        address.length() <= MAX_LENGTH,
        "connection source address must be at most "
            + MAX_LENGTH
            + " characters, but had "
            + address.length());
    for (int i = 0; i < address.length(); i++) {
      char c = address.charAt(i);
      if (c < ' ' || c > '~') {
        throw new IllegalArgumentException(
            "connection source address must be printable ASCII (' ' to '~'), but had U+"
                + String.format("%04X", (int) c)
                + " at index "
                + i);
      }
    }
    Checks.argument(
        address.charAt(0) != ' ' && address.charAt(address.length() - 1) != ' ',
        "connection source address must not start or end with a space");
    Checks.notTokenShaped(address, "connection source address");
  }

  /** Same as the constructor. */
  public static ConnectionSource of(String address) {
    return new ConnectionSource(address);
  }

  /**
   * The source with {@code address}'s textual form ({@link InetAddress#getHostAddress()}: no name
   * lookup).
   *
   * @throws NullPointerException if {@code address} is null
   */
  public static ConnectionSource of(InetAddress address) {
    return new ConnectionSource(
        Checks.notNull(address, "connection source address").getHostAddress());
  }

  /** The address itself, as the page and the console show it. */
  @Override
  public String toString() {
    return address;
  }
}
