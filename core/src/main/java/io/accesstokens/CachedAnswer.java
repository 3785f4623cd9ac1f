package io.accesstokens;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jspecify.annotations.Nullable;

/**
 * The store's answer for one token id, as of when it was read: what a validator's cache holds per
 * token. It carries everything a hit reads (the secret words, the token's organization, environment
 * and scope, its status and entitlement, and the stamp before which it needs no time check), so
 * that a hit reads the cache node and this entry and nothing beside them.
 */
final class CachedAnswer extends SecretWords {
  /** The store knew no token with the presented value's digest. Never cached as an answer. */
  static final CachedAnswer NOT_FOUND = new CachedAnswer();

  /** What {@link TokenValidator#validate} returns; null only in {@link #NOT_FOUND}. */
  final @Nullable ValidatedToken token;

  // The token's fields again (null only in NOT_FOUND), so that a hit reads nothing but this entry.
  final @Nullable OrganizationId organization;
  final @Nullable EnvironmentId environment;
  final @Nullable Scope scope;

  /** Active and not expired: the token validates (if the connection's fields match). */
  final boolean active;

  /** The token's expiry had passed when the store was read (then {@link #active} is false). */
  final boolean expired;

  final boolean entitled;

  /**
   * The stamp a hit compares, in ticker time: before it, a hit needs no other time check. It is
   * {@link #expiresAt}, except on a validator that records last use, where it is the earlier of
   * {@link #expiresAt} and the time the next use of this token is due to be recorded (issue 14): a
   * hit with last use on then reads and compares exactly what one with it off does, and only a hit
   * past the stamp looks further, telling "a use is due" (still before {@link #expiresAt}: accept,
   * record, move the stamp on by an interval) from "the answer has expired" (reload).
   *
   * <p>Declared first among this class's longs: HotSpot (17, compressed oops and class pointers)
   * lays them out in declaration order straight after the superclass's secret words, so the stamp
   * sits at offset 48, where the expiry did, beside the words a hit compares; the whole object is
   * 96 bytes, and a hit reads every field of it but {@link #expiresAt} and {@link #expired}.
   *
   * <p><b>Concurrency.</b> Accessed only through {@link #HIT_UNTIL}:
   *
   * <ul>
   *   <li>Set once before the answer is published (in the constructor and {@link #firstUseDueAt}).
   *       The cache publishes the answer safely (its map's writes and reads order the entry's
   *       fields), so a reader that finds the answer sees at least that value.
   *   <li>Then only moved forward, by {@link #claimUse}'s compare-and-set, always to a value later
   *       than the one it replaces and never later than {@link #expiresAt} (a final field, fixed
   *       before publication). So whatever value a hit reads, even a stale one, is at most {@link
   *       #expiresAt}: a hit can never accept after the hard expiry or the token's own expiry.
   *   <li>Read by hits in opaque mode: bitwise atomic and coherent, with no fence. A plain read of
   *       a non-volatile {@code long} may tear by the Java memory model (JLS 17.7), and a torn mix
   *       of two stamps' halves can be later than either, so later than {@link #expiresAt}; opaque
   *       rules that out on every JVM. On 64-bit HotSpot every aligned {@code long} access is one
   *       instruction anyway, so the opaque read compiles to the same load as a plain one (a
   *       volatile read would add an acquire, which costs a barrier on ARM).
   *   <li>A stale read is harmless: it is earlier than the current stamp, so at worst the hit takes
   *       the slow path, whose compare-and-set from the stale value fails and records nothing (the
   *       hit that moved the stamp recorded). As stamps only increase, no compare-and-set can
   *       succeed from a value seen before another one moved it (no ABA): of the hits that find a
   *       use due, exactly one records, and the next can succeed only an interval later.
   * </ul>
   */
  @SuppressWarnings("UnusedVariable") // read and written through HIT_UNTIL
  private long hitUntil;

  /**
   * Ticker time from which this answer must not be used: the earlier of the hard expiry and the
   * token's own expiry. A hit reads it only once past {@link #hitUntil}, which never passes it.
   */
  final long expiresAt;

  /**
   * The organization's stripe in the validator's {@code OrganizationStamps}, and the stamp read
   * there before the entitlement was asked: the answer stands only while that stamp is unchanged.
   */
  final int organizationStripe;

  final long organizationStamp;

  /**
   * The token is a successor that still retires its predecessor on its first use (as stored when
   * this answer was read): a hit that accepts it hands the retirement to the background, once per
   * answer ({@link #claimRetirement}).
   */
  final boolean retiresPredecessor;

  /**
   * 1 while a retirement started from this answer runs or has ended without a failure; 0 before, or
   * again after a failure, so that a later hit tries again. Written by compare-and-set only.
   */
  @SuppressWarnings("UnusedVariable") // read and written through RETIREMENT_CLAIMED
  private volatile int retirementClaimed;

  private static final VarHandle HIT_UNTIL;
  private static final VarHandle RETIREMENT_CLAIMED;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      HIT_UNTIL = lookup.findVarHandle(CachedAnswer.class, "hitUntil", long.class);
      RETIREMENT_CLAIMED = lookup.findVarHandle(CachedAnswer.class, "retirementClaimed", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The stamp a hit compares (see {@link #hitUntil}), read in opaque mode. */
  long hitUntil() {
    return (long) HIT_UNTIL.getOpaque(this);
  }

  /**
   * Makes the first use of this answer's token due at ticker time {@code dueAt} (or never, if that
   * is not before {@link #expiresAt}). Only before the answer is published, on the thread that
   * built it; an answer that refuses whatever the connection (inactive, expired, not entitled)
   * never records a use, so its stamp stays at {@link #expiresAt} and its refusals take no slow
   * path.
   */
  void firstUseDueAt(long dueAt) {
    if (active && entitled && dueAt - expiresAt < 0) {
      HIT_UNTIL.set(this, dueAt);
    }
  }

  /**
   * Claims the recording of a use due at {@code seen} (the stamp the caller read), found at ticker
   * time {@code now}: moves the stamp to the next use's time, {@code now + intervalNanos}, or to
   * {@link #expiresAt} if that is earlier. False if another hit moved it first (and records).
   *
   * @param seen a stamp before {@link #expiresAt} and not after {@code now}
   */
  boolean claimUse(long seen, long now, long intervalNanos) {
    long next = now + intervalNanos;
    if (next - expiresAt > 0) {
      next = expiresAt;
    }
    return HIT_UNTIL.compareAndSet(this, seen, next);
  }

  /** Takes the right to start this answer's retirement; false if one was already started. */
  boolean claimRetirement() {
    return RETIREMENT_CLAIMED.compareAndSet(this, 0, 1);
  }

  /** Gives the right back after a failed retirement, so a later hit starts another. */
  void releaseRetirement() {
    RETIREMENT_CLAIMED.setVolatile(this, 0);
  }

  CachedAnswer(
      String presented,
      ValidatedToken token,
      boolean active,
      boolean expired,
      boolean entitled,
      long expiresAt,
      int organizationStripe,
      long organizationStamp,
      boolean retiresPredecessor) {
    super(presented);
    this.token = token;
    this.organization = token.organization();
    this.environment = token.environment();
    this.scope = token.scope();
    this.active = active && !expired;
    this.expired = expired;
    this.entitled = entitled;
    this.expiresAt = expiresAt;
    this.organizationStripe = organizationStripe;
    this.organizationStamp = organizationStamp;
    this.hitUntil = expiresAt; // published with the answer, as the final fields are
    this.retiresPredecessor = retiresPredecessor;
  }

  private CachedAnswer() {
    super(0, 0, 0, 0);
    this.token = null;
    this.organization = null;
    this.environment = null;
    this.scope = null;
    this.active = false;
    this.expired = false;
    this.entitled = false;
    this.expiresAt = 0;
    this.organizationStripe = 0;
    this.organizationStamp = 0;
    this.retiresPredecessor = false;
  }
}
