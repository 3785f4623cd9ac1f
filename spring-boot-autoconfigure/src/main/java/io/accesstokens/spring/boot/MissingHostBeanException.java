package io.accesstokens.spring.boot;

/**
 * A bean that only the application can write (its {@code Entitlements} or {@code
 * EnvironmentDirectory}) is missing; {@link MissingHostBeanFailureAnalyzer} explains what to write.
 */
public final class MissingHostBeanException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Class<?> beanType;

  MissingHostBeanException(Class<?> beanType) {
    super(
        "access-tokens needs a bean of type "
            + beanType.getName()
            + ", which only the application can define");
    this.beanType = beanType;
  }

  /** The type of the missing bean. */
  public Class<?> beanType() {
    return beanType;
  }
}
