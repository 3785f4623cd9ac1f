package io.accesstokens;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jspecify.annotations.Nullable;

/**
 * The store's answer for one token id, as of when it was read: what a validator's cache holds per
 * token. It carries everything a hit reads (the secret words, the token's organization, environment
 * and scope, its status and entitlement, and its expiry), so that a hit reads the cache node and
 * this entry and nothing beside them.
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
   * Ticker time from which this answer must not be used: the earlier of the hard expiry and the
   * token's own expiry, so a hit needs no other time check.
   */
  final long expiresAt;

  /**
   * The organization's stripe in the validator's {@code OrganizationStamps}, and the stamp read
   * there before the entitlement was asked: the answer stands only while that stamp is unchanged.
   */
  final int organizationStripe;

  final long organizationStamp;

  /**
   * Ticker time at which a use of this answer's token was last recorded for the last-used flush
   * (or, when the answer was loaded, the stored last-used time in ticker time): a hit records
   * another use only once this is a whole interval old, so it reads one plain field and writes
   * nothing on almost every hit. Written by compare-and-set, so of the hits that find it old, one
   * records. Unused when the validator records no uses.
   */
  volatile long lastUseRecordedAt;

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

  private static final VarHandle LAST_USE_RECORDED_AT;
  private static final VarHandle RETIREMENT_CLAIMED;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      LAST_USE_RECORDED_AT =
          lookup.findVarHandle(CachedAnswer.class, "lastUseRecordedAt", long.class);
      RETIREMENT_CLAIMED = lookup.findVarHandle(CachedAnswer.class, "retirementClaimed", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Takes the right to start this answer's retirement; false if one was already started. */
  boolean claimRetirement() {
    return RETIREMENT_CLAIMED.compareAndSet(this, 0, 1);
  }

  /** Gives the right back after a failed retirement, so a later hit starts another. */
  void releaseRetirement() {
    RETIREMENT_CLAIMED.setVolatile(this, 0);
  }

  /** Moves {@link #lastUseRecordedAt} from {@code seen} to {@code now}; false if another did. */
  boolean claimLastUse(long seen, long now) {
    return LAST_USE_RECORDED_AT.compareAndSet(this, seen, now);
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
