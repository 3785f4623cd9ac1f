package io.accesstokens.testing;

import io.accesstokens.testing.ValidatorConfiguration.Lease;
import io.accesstokens.testing.ValidatorConfiguration.Lookups;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test of {@link AbstractTokenValidatorTest} that runs once for each {@link
 * ValidatorConfiguration} its attributes allow (by default every one), as Caffeine's {@code
 * CacheTest} runs each test over the caches its {@code @CacheSpec} allows. A test narrows a
 * dimension when it sets that part of the validator itself, or when its subject does not depend on
 * the validator's configuration at all.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@TestTemplate
@ExtendWith(ValidatorConfiguration.Provider.class)
public @interface ValidatorTest {

  /** Where store lookups may run: on the calling thread, on a lookup executor, or both. */
  Lookups[] lookups() default {Lookups.INLINE, Lookups.EXECUTOR};

  /** Which freshness leases the validator may have. */
  Lease[] lease() default {Lease.ALWAYS_TRUSTED, Lease.FOLLOWER};
}
