package io.accesstokens.benchmarks;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method that JMH's setup runs before any benchmark method through a hook NullAway cannot
 * follow: a subclass's {@code prepare}, called from the base class's {@code @Setup}. NullAway reads
 * any annotation of this simple name, counts the fields such a method assigns as initialized and
 * checks that it assigns them on every path that returns. Source only; nothing reads it at run
 * time.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
@interface Initializer {}
