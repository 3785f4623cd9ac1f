package io.accesstokens.testing;

import io.accesstokens.internal.TokenFormat;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Every secret the tests of this JVM have been handed, and a scan of any text for a piece of one: a
 * shape-based scan finds whole values and long runs, this one finds the pieces a careless message
 * would quote (the first 40 characters of a value hold 25 of its 32 secret characters).
 *
 * <p>Recorded for each value: every window of {@value #SECRET_PIECE} characters of its secret part
 * (the 32 random characters), and every window of {@value #DIGEST_PIECE} characters of its SHA-256
 * digest in hex, Base64 and URL-safe Base64 (a digest under another policy is recorded with {@link
 * #recordDigest}). A window is kept as a 64-bit hash in an open-addressing set, so a scan costs one
 * hash and one probe per position of the text and window length. The hash reads {@code A-F} as
 * {@code a-f} and the URL-safe {@code - _} as {@code + /}, so one window stands for a digest's hex
 * in either case and its Base64 in either alphabet (a third fewer windows: about 110 per value); a
 * secret's 8 characters still carry over 46 bits.
 *
 * <p>Why two lengths: eight base62 characters are 47 bits, so eight characters of a secret appear
 * in unrelated text by chance with odds of about one in 10^14 per position and recorded window.
 * Eight hex characters are only 32 bits, and tests log hash codes of exactly that shape; a digest
 * piece counts from {@value #DIGEST_PIECE} characters (48 bits in hex), which keeps chance matches
 * as rare as a secret's.
 */
public final class IssuedSecrets {
  /** The shortest piece of a secret part that counts as a leak. */
  public static final int SECRET_PIECE = 8;

  /** The shortest piece of a digest's text (hex or Base64) that counts as a leak. */
  public static final int DIGEST_PIECE = 12;

  private static final Object LOCK = new Object();

  /** Open addressing of window hashes; 0 is the empty slot (a hash is never 0). */
  private static long[] slots = new long[1 << 16];

  private static int size;
  private static final AtomicInteger VALUES = new AtomicInteger();

  private IssuedSecrets() {}

  /** Records a full token value: its secret part and its SHA-256 digest. Ignores anything else. */
  public static void record(@Nullable CharSequence value) {
    if (value == null
        || value.length() != TokenFormat.LENGTH
        || !TokenFormat.isWellFormed(value.toString())) {
      return;
    }
    String text = value.toString();
    VALUES.incrementAndGet();
    addWindows(
        text.substring(TokenFormat.SECRET_OFFSET, TokenFormat.CHECKSUM_OFFSET), SECRET_PIECE);
    recordDigest(sha256(text));
  }

  /**
   * Records a digest as stores see it: its hex and Base64 text forms (upper-case hex and URL-safe
   * Base64 hash alike, see {@link #pack}).
   */
  public static void recordDigest(byte[] digest) {
    addWindows(HexFormat.of().formatHex(digest), DIGEST_PIECE);
    addWindows(Base64.getEncoder().withoutPadding().encodeToString(digest), DIGEST_PIECE);
  }

  /** How many values were recorded in this JVM. */
  public static int recordedValues() {
    return VALUES.get();
  }

  /** How many distinct windows (of secret parts and digests' text forms) the registry holds. */
  public static int recordedWindows() {
    synchronized (LOCK) {
      return size;
    }
  }

  /**
   * What piece of a recorded secret {@code text} holds, described without quoting it, or {@code
   * null} if it holds none.
   */
  public static @Nullable String pieceIn(@Nullable CharSequence text) {
    if (text == null) {
      return null;
    }
    synchronized (LOCK) {
      if (size == 0) {
        return null;
      }
      for (int length : new int[] {SECRET_PIECE, DIGEST_PIECE}) {
        for (int at = 0; at + length <= text.length(); at++) {
          long packed = pack(text, at, length);
          if (packed != 0 && contains(packed)) { // 0: a non-ASCII character, no piece
            return length == SECRET_PIECE
                ? "a piece (" + length + "+ characters) of an issued secret, at index " + at
                : "a piece (" + length + "+ characters) of an issued digest, at index " + at;
          }
        }
      }
    }
    return null;
  }

  private static void addWindows(String text, int length) {
    synchronized (LOCK) {
      for (int at = 0; at + length <= text.length(); at++) {
        add(pack(text, at, length));
      }
    }
  }

  /**
   * A 64-bit hash of {@code length} characters from {@code at} (FNV-1a, then MurmurHash3's
   * finalizer, with the length mixed in first so windows of the two lengths never meet); 0 if a
   * character is not ASCII, since a secret, a digest and their text forms are ASCII. {@code A-F}
   * hash as {@code a-f} and {@code - _} as {@code + /}, so hex in either case and Base64 in either
   * alphabet meet. Two different windows share a hash with odds of 2^-64.
   */
  private static long pack(CharSequence text, int at, int length) {
    long h = 0xcbf29ce484222325L ^ length;
    for (int i = 0; i < length; i++) {
      char c = text.charAt(at + i);
      if (c >= 128) {
        return 0;
      }
      c = c >= 'A' && c <= 'F' ? (char) (c + ('a' - 'A')) : c == '-' ? '+' : c == '_' ? '/' : c;
      h = (h ^ c) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h == 0 ? 1 : h;
  }

  private static void add(long key) {
    if (key == 0) {
      return;
    }
    if (2 * (size + 1) > slots.length) {
      long[] old = slots;
      slots = new long[old.length * 2];
      size = 0;
      for (long k : old) {
        if (k != 0) {
          insert(k);
        }
      }
    }
    insert(key);
  }

  private static void insert(long key) {
    int mask = slots.length - 1;
    for (int i = index(key, mask); ; i = (i + 1) & mask) {
      if (slots[i] == key) {
        return;
      }
      if (slots[i] == 0) {
        slots[i] = key;
        size++;
        return;
      }
    }
  }

  private static boolean contains(long key) {
    int mask = slots.length - 1;
    for (int i = index(key, mask); ; i = (i + 1) & mask) {
      if (slots[i] == key) {
        return true;
      }
      if (slots[i] == 0) {
        return false;
      }
    }
  }

  private static int index(long key, int mask) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
