package io.accesstokens;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Where a node's evictions meet: publishers say which token changed, subscribers drop what they
 * cached about it. A {@link TokenService} publishes the changes made through it (before each call
 * returns), a {@link ChangeFollower} publishes the changes it reads from other nodes, and each
 * {@link TokenValidator} subscribes while it is open. So no publisher knows a validator, and a
 * validator knows no publisher: the only arrows run into this hub.
 *
 * <p>Delivery is synchronous, on the publisher's thread, to every subscriber in turn: when {@link
 * #invalidate} returns, every subscriber has forgotten the token. Thread-safe; subscribing and
 * unsubscribing are rare (a validator's build and close) and copy the list, publishing reads it
 * without a lock.
 */
final class InvalidationHub {
  /** A cache that drops entries when told to; a validator's, in practice. */
  interface Subscriber {
    /** Forgets what is cached about token {@code id}; constant time. */
    void invalidate(TokenId id);

    /** Forgets everything cached. */
    void invalidateAll();

    /**
     * Forgets the answers cached for the organization whose key ({@link
     * io.accesstokens.spi.ChangeRecord#organizationKey}) is {@code organizationKey}; constant time.
     */
    void invalidateOrganization(long organizationKey);

    /** Token {@code id} was created (here, or on another node as the change feed says). */
    default void issued(TokenId id) {}

    /** Token {@code id} was deleted, as the change feed says. */
    default void withdrawn(TokenId id) {}

    /**
     * A warm follower completed a catch-up that started at {@code startedNanos} (its ticker's
     * time): every change committed before then has been delivered.
     */
    default void caughtUp(long startedNanos) {}

    /**
     * The follower may have missed changes (pruned before it read them): load again what is kept.
     */
    default void resync() {}
  }

  private final CopyOnWriteArrayList<Subscriber> subscribers = new CopyOnWriteArrayList<>();

  void subscribe(Subscriber subscriber) {
    subscribers.add(subscriber);
  }

  void unsubscribe(Subscriber subscriber) {
    subscribers.remove(subscriber);
  }

  /** Token {@code id} changed: every subscriber forgets it before this returns. */
  void invalidate(TokenId id) {
    subscribers.forEach(subscriber -> subscriber.invalidate(id));
  }

  /** The entitlement of an organization changed: every subscriber forgets its answers. */
  void invalidateOrganization(long organizationKey) {
    subscribers.forEach(subscriber -> subscriber.invalidateOrganization(organizationKey));
  }

  /** Token {@code id} was created: every subscriber hears of it before this returns. */
  void issued(TokenId id) {
    subscribers.forEach(subscriber -> subscriber.issued(id));
  }

  /** Token {@code id} was deleted, as a change feed says. */
  void withdrawn(TokenId id) {
    subscribers.forEach(subscriber -> subscriber.withdrawn(id));
  }

  /** A warm follower completed a catch-up that started at {@code startedNanos}. */
  void caughtUp(long startedNanos) {
    subscribers.forEach(subscriber -> subscriber.caughtUp(startedNanos));
  }

  /** The follower may have missed changes: what is loaded from the store must be loaded again. */
  void resync() {
    subscribers.forEach(subscriber -> subscriber.resync());
  }

  /** Anything may have changed: every subscriber forgets everything before this returns. */
  void invalidateAll() {
    subscribers.forEach(subscriber -> subscriber.invalidateAll());
  }

  @Override
  public String toString() {
    return "InvalidationHub[subscribers=" + subscribers.size() + "]";
  }
}
