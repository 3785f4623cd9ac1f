package io.accesstokens.internal;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Per-organization stamps that evict an organization's cached answers without visiting them: an
 * answer records its organization's stripe and the stamp it read there before the entitlement was
 * asked, and a hit uses it only while the stamp is unchanged; {@link #bump} changes it. So one
 * entitlement change costs one increment, whatever the cache holds, and a hit one array read.
 *
 * <p>Organizations share 1024 striped stamps, so the structure is constant in size. Two
 * organizations on one stripe only cost each other a spurious miss, never a stale answer.
 */
public final class OrganizationStamps {
  private static final int STRIPES = 1024;

  private final AtomicLongArray stamps = new AtomicLongArray(STRIPES);

  /** The stripe of the organization whose key ({@code ChangeRecord.organizationKey}) is given. */
  public static int stripe(long organizationKey) {
    long h = organizationKey * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 54) & (STRIPES - 1);
  }

  /** The stamp of {@code stripe} now. */
  public long read(int stripe) {
    return stamps.get(stripe);
  }

  /** Makes every answer stamped earlier for the organization of {@code organizationKey} stale. */
  public void bump(long organizationKey) {
    stamps.incrementAndGet(stripe(organizationKey));
  }
}
