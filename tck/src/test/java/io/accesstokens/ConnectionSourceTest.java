package io.accesstokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accesstokens.testing.SecretLeakGuard;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The rule of a connection's source address, which the connection's peer controls: checked when the
 * value is made, refused with a message that names the rule and never quotes the text.
 */
@ExtendWith(SecretLeakGuard.class)
class ConnectionSourceTest {

  @Test
  void of_keepsEveryAddressForm_asItIs() throws Exception {
    for (String address :
        new String[] {
          "10.0.0.7",
          "10.0.0.7:50412",
          "2001:db8::7",
          "[2001:db8::7]:443",
          "fe80::1%eth0",
          "partner-gw.example.com",
          "203.0.113.9 via 10.0.0.1",
        }) {
      assertThat(ConnectionSource.of(address).address()).isEqualTo(address);
      assertThat(ConnectionSource.of(address)).hasToString(address);
    }
    assertThat(ConnectionSource.of(InetAddress.getByAddress(new byte[] {10, 0, 0, 7})))
        .isEqualTo(ConnectionSource.of("10.0.0.7"));
    assertThat(ConnectionSource.of("x".repeat(ConnectionSource.MAX_LENGTH)).address()).hasSize(255);
  }

  @Test
  void of_anEmptyOrTooLongAddress_isRefused() {
    assertThatThrownBy(() -> ConnectionSource.of(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("connection source address must not be empty");
    assertThatThrownBy(() -> ConnectionSource.of("1".repeat(256)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("connection source address must be at most 255 characters, but had 256");
    assertThatThrownBy(() -> ConnectionSource.of((String) nullValue()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("connection source address must not be null");
  }

  /** Control characters, line breaks, bidirectional overrides and non-ASCII: named, not quoted. */
  @Test
  void of_anUnprintableCharacter_isRefused_namingItsCodeAndPlace() {
    assertThatThrownBy(() -> ConnectionSource.of("10.0.0.7\nforged log line"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "connection source address must be printable ASCII (' ' to '~'), but had U+000A at"
                + " index 8");
    assertRefusedEndingWith("10.0.0.7\u0000", "but had U+0000 at index 8");
    assertRefusedEndingWith("\u202e7.0.0.01", "but had U+202E at index 0");
    assertRefusedEndingWith("h\u00f6st", "but had U+00F6 at index 1");
    assertRefusedEndingWith("10.0.0.7\u007f", "but had U+007F at index 8");
    assertThatThrownBy(() -> ConnectionSource.of(" 10.0.0.7"))
        .hasMessage("connection source address must not start or end with a space");
    assertThatThrownBy(() -> ConnectionSource.of("10.0.0.7 "))
        .hasMessage("connection source address must not start or end with a space");
  }

  @Test
  void of_aTokenShapedAddress_isRefused_withoutQuotingIt() {
    String pasted = "atk_" + "Q3thUyX9wl7aB2cD4eF6gH8iJ0kL";
    assertThatThrownBy(() -> ConnectionSource.of(pasted))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("connection source address must not hold a token value")
        .message()
        .doesNotContain("Q3thUyX9");
  }

  private static @org.jspecify.annotations.Nullable Object nullValue() {
    return null;
  }

  /**
   * {@code address} is refused with a message ending in {@code ending} (what it had, and where).
   */
  private static void assertRefusedEndingWith(String address, String ending) {
    assertThatThrownBy(() -> ConnectionSource.of(address)).hasMessageEndingWith(ending);
  }
}
