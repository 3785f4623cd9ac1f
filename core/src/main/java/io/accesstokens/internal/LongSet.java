package io.accesstokens.internal;

import java.util.concurrent.locks.StampedLock;

/**
 * A set of 64-bit values in one open-addressing table of {@code long}s: exact (no false positives,
 * unlike a Bloom filter), about 8 to 21 bytes a value (the table doubles when three quarters full),
 * no object per value. Reads take no lock (an optimistic read of a {@link StampedLock}, retried
 * under the read lock if a write ran meanwhile); writes take the write lock, which is fine for a
 * set written once per token created or deleted and read once per cache miss.
 *
 * <p>Zero marks an empty slot, so the value zero is kept in a flag of its own; a removed value
 * leaves a tombstone ({@link #REMOVED}, whose own presence is kept in a flag too), reused by later
 * adds and dropped when the table is rebuilt.
 */
public final class LongSet {
  private static final long EMPTY = 0L;
  private static final long REMOVED = Long.MIN_VALUE;
  private static final int MIN_CAPACITY = 16;
  private static final int MAX_CAPACITY = 1 << 30;

  private final StampedLock lock = new StampedLock();
  private long[] table = new long[MIN_CAPACITY];
  private int size; // values in the table, not counting the flags
  private int used; // slots not EMPTY (values and tombstones)
  private boolean hasZero;
  private boolean hasRemovedValue;

  /** Whether {@code value} is in the set. Lock-free unless a write runs at the same time. */
  public boolean contains(long value) {
    long stamp = lock.tryOptimisticRead();
    if (stamp != 0) {
      boolean found = find(value);
      if (lock.validate(stamp)) {
        return found;
      }
    }
    stamp = lock.readLock();
    try {
      return find(value);
    } finally {
      lock.unlockRead(stamp);
    }
  }

  private boolean find(long value) {
    if (value == EMPTY) {
      return hasZero;
    }
    if (value == REMOVED) {
      return hasRemovedValue;
    }
    long[] t = table;
    int mask = t.length - 1;
    int i = index(value, mask);
    // Bounded by the table's length: under an optimistic read the table may be torn by a writer,
    // and
    // the caller then throws the answer away, but the loop must still end.
    for (int probes = 0; probes < t.length; probes++) {
      long slot = t[i];
      if (slot == value) {
        return true;
      }
      if (slot == EMPTY) {
        return false;
      }
      i = (i + 1) & mask;
    }
    return false;
  }

  /** Adds {@code value}; returns whether it was absent. */
  public boolean add(long value) {
    long stamp = lock.writeLock();
    try {
      if (value == EMPTY) {
        boolean added = !hasZero;
        hasZero = true;
        return added;
      }
      if (value == REMOVED) {
        boolean added = !hasRemovedValue;
        hasRemovedValue = true;
        return added;
      }
      if (find(value)) {
        return false;
      }
      if ((used + 1) * 4L > table.length * 3L) {
        rebuild(size + 1);
      }
      long[] t = table;
      int mask = t.length - 1;
      int i = index(value, mask);
      while (t[i] != EMPTY && t[i] != REMOVED) {
        i = (i + 1) & mask;
      }
      if (t[i] == EMPTY) {
        used++;
      }
      t[i] = value;
      size++;
      return true;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /** Removes {@code value}; returns whether it was present. */
  public boolean remove(long value) {
    long stamp = lock.writeLock();
    try {
      if (value == EMPTY) {
        boolean was = hasZero;
        hasZero = false;
        return was;
      }
      if (value == REMOVED) {
        boolean was = hasRemovedValue;
        hasRemovedValue = false;
        return was;
      }
      long[] t = table;
      int mask = t.length - 1;
      int i = index(value, mask);
      for (int probes = 0; probes < t.length; probes++) {
        if (t[i] == value) {
          t[i] = REMOVED;
          size--;
          return true;
        }
        if (t[i] == EMPTY) {
          return false;
        }
        i = (i + 1) & mask;
      }
      return false;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /** Values in the set. */
  public long size() {
    long stamp = lock.readLock();
    try {
      return size + (hasZero ? 1 : 0) + (hasRemovedValue ? 1 : 0);
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /** Bytes of heap the table takes (its slots; the object headers add a few dozen bytes). */
  public long tableBytes() {
    long stamp = lock.readLock();
    try {
      return table.length * 8L;
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /** Rebuilds the table for {@code values} values at most half full, dropping tombstones. */
  private void rebuild(int values) {
    int capacity = MIN_CAPACITY;
    while (capacity < MAX_CAPACITY && capacity < values * 2L) {
      capacity <<= 1;
    }
    Checks.state(values * 4L <= capacity * 3L, "set is full: " + values + " values");
    long[] next = new long[capacity];
    int mask = capacity - 1;
    for (long v : table) {
      if (v != EMPTY && v != REMOVED) {
        int i = index(v, mask);
        while (next[i] != EMPTY) {
          i = (i + 1) & mask;
        }
        next[i] = v;
      }
    }
    table = next; // readers under an optimistic read are told by the stamp to retry
    used = size;
  }

  private static int index(long value, int mask) {
    long h = value * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }
}
