package io.accesstokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accesstokens.internal.TokenMint;
import io.accesstokens.spi.LookupDigest;
import io.accesstokens.spi.SealedValue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Key rings, digests and sealing: what core computes so every store keeps the same protection. */
class PoliciesTest {
  private static final OrganizationId ORG = OrganizationId.of("acme");
  private final TokenId id = TokenMint.newId();
  private final String value = TokenMint.newValue(id);

  @Test
  void sha256_isThePlainDigestOfTheValue() throws Exception {
    LookupDigest digest = DigestPolicy.sha256().digest(value);

    assertThat(digest.keyId()).isEqualTo("sha256");
    assertThat(digest.value())
        .isEqualTo(
            MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void hmac_usesTheCurrentKey_andOffersRetiredKeysForLookup() throws Exception {
    byte[] k1 = HexFormat.of().parseHex("00".repeat(32));
    byte[] k2 = HexFormat.of().parseHex("11".repeat(32));
    DigestPolicy policy =
        DigestPolicy.hmacSha256(KeyRing.builder().current("k2", k2).retired("k1", k1).build());

    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(k2, "HmacSHA256"));
    assertThat(policy.digest(value))
        .isEqualTo(
            new LookupDigest("hmac:k2", mac.doFinal(value.getBytes(StandardCharsets.US_ASCII))));
    assertThat(policy.candidates(value))
        .extracting(LookupDigest::keyId)
        .containsExactly("hmac:k2", "hmac:k1");
  }

  @Test
  void hmac_refusesShortKeys() {
    assertThatThrownBy(() -> DigestPolicy.hmacSha256(KeyRing.of("k", new byte[16])))
        .hasMessage("HMAC key k must be at least 32 bytes, but has 16");
  }

  @Test
  void sealing_opensOnlyForTheSameTokenAndOrganization() {
    CopyPolicy policy = CopyPolicy.sealed(KeyRing.of("s1", new byte[32]));
    SealedValue sealed = policy.seal(value, id, ORG);

    assertThat(policy.open(sealed, id, ORG)).isEqualTo(value);
    assertThat(sealed.ciphertext()).hasSize(12 + 53 + 16);
    assertThat(new String(sealed.ciphertext(), StandardCharsets.ISO_8859_1))
        .doesNotContain(value.substring(15, 25));
    assertThatThrownBy(() -> policy.open(sealed, new TokenId(id.bits() + 1), ORG))
        .isInstanceOf(CopyUnavailableException.class)
        .hasMessageContaining("does not open under key id s1");
    assertThatThrownBy(() -> policy.open(sealed, id, OrganizationId.of("globex")))
        .isInstanceOf(CopyUnavailableException.class);
  }

  @Test
  void sealing_usesAFreshNonceEachTime() {
    CopyPolicy policy = CopyPolicy.ephemeral();
    assertThat(policy.seal(value, id, ORG)).isNotEqualTo(policy.seal(value, id, ORG));
  }

  /**
   * Each thread keeps one cipher; nothing of a failed or finished use may carry over to the next.
   */
  @Test
  void afterAFailedOpen_theSameThreadSealsAndOpensAgain_underEveryKey() {
    CopyPolicy first = CopyPolicy.sealed(KeyRing.of("s1", new byte[32]));
    byte[] other = new byte[32];
    other[0] = 1;
    CopyPolicy second = CopyPolicy.sealed(KeyRing.of("s2", other));
    SealedValue sealed = first.seal(value, id, ORG);
    byte[] tampered = sealed.ciphertext();
    tampered[20] ^= 1;

    assertThatThrownBy(() -> first.open(new SealedValue("s1", tampered), id, ORG))
        .isInstanceOf(CopyUnavailableException.class);
    assertThatThrownBy(
            () ->
                second.open(
                    new SealedValue("s2", first.seal(value, id, ORG).ciphertext()), id, ORG))
        .isInstanceOf(CopyUnavailableException.class);

    SealedValue again = first.seal(value, id, ORG);
    assertThat(first.open(again, id, ORG)).isEqualTo(value);
    assertThat(first.open(sealed, id, ORG)).isEqualTo(value);
    assertThat(second.open(second.seal(value, id, ORG), id, ORG)).isEqualTo(value);
    assertThat(first.open(again, id, ORG)).as("back to the first key").isEqualTo(value);
  }

  @Test
  void aTamperedSealedValue_doesNotOpen() {
    CopyPolicy policy = CopyPolicy.ephemeral();
    byte[] bytes = policy.seal(value, id, ORG).ciphertext();
    bytes[20] ^= 1;

    assertThatThrownBy(() -> policy.open(new SealedValue("ephemeral", bytes), id, ORG))
        .isInstanceOf(CopyUnavailableException.class)
        .hasMessageContaining("altered")
        .message()
        .doesNotContain(value);
  }

  @Test
  void sealing_refusesKeysThatAreNotAesKeys() {
    assertThatThrownBy(() -> CopyPolicy.sealed(KeyRing.of("k", new byte[20])))
        .hasMessage("AES key k must be 16, 24 or 32 bytes, but has 20");
  }

  @Test
  void keyRing_failsFast_andShowsIdsOnly() {
    assertThatThrownBy(() -> KeyRing.builder().build())
        .hasMessage("a key ring needs a current key");
    assertThatThrownBy(
            () -> KeyRing.builder().current("a", new byte[32]).current("b", new byte[32]))
        .hasMessage("current key already set (a)");
    assertThatThrownBy(
            () -> KeyRing.builder().current("a", new byte[32]).retired("a", new byte[32]))
        .hasMessage("key id a is used twice");
    assertThatThrownBy(() -> KeyRing.of("a", new byte[8]))
        .hasMessage("key a must be 16 to 64 bytes, but has 8");
    assertThatThrownBy(() -> KeyRing.of("bad id", new byte[32]))
        .hasMessageStartingWith("key id must be");
    byte[] key = new byte[32];
    java.util.Arrays.fill(key, (byte) 0x41);
    KeyRing ring = KeyRing.builder().current("new", key).retired("old", key).build();
    assertThat(ring.toString()).isEqualTo("KeyRing[current=new, ids=[new, old]]");
    assertThat(CopyPolicy.sealed(ring).toString()).doesNotContain("AAAA");
  }

  @Test
  void keyRing_copiesTheKeyBytes() {
    byte[] key = new byte[32];
    CopyPolicy policy = CopyPolicy.sealed(KeyRing.of("k", key));
    SealedValue sealed = policy.seal(value, id, ORG);
    key[0] = 1;

    assertThat(policy.open(sealed, id, ORG)).isEqualTo(value);
  }
}
