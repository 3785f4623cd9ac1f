package io.accesstokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.benmanes.caffeine.cache.Caffeine;
import io.accesstokens.internal.TokenMint;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.NullMarked;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Core's module descriptor, read and run as a host on the module path would: the tests themselves
 * run on the class path (see the parent pom's surefire settings), so this resolves core and its
 * three requirements in a module layer of their own and validates through it.
 */
class ModuleDescriptorTest {
  private static final String CORE = "io.accesstokens";

  @Test
  void core_exportsTheApiAndTheSpi_andItsInternalPackageOnlyToTheLibrarysOwnModules()
      throws Exception {
    ModuleDescriptor descriptor =
        finder().find(CORE).orElseThrow(() -> new AssertionError("no module " + CORE)).descriptor();

    Map<String, Set<String>> exports = new TreeMap<>();
    for (ModuleDescriptor.Exports export : descriptor.exports()) {
      exports.put(export.source(), new TreeSet<>(export.targets()));
    }
    assertThat(exports)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "io.accesstokens", Set.of(),
                "io.accesstokens.spi", Set.of(),
                "io.accesstokens.internal",
                    Set.of(
                        "io.accesstokens.jdbc",
                        "io.accesstokens.web",
                        "io.accesstokens.spring.boot",
                        "io.accesstokens.testing")));
    assertThat(descriptor.opens()).isEmpty();
  }

  @Test
  void core_resolvesOnTheModulePath_andValidatesThere_withItsInternalPackageClosed()
      throws Exception {
    Configuration configuration =
        ModuleLayer.boot().configuration().resolve(finder(), ModuleFinder.of(), Set.of(CORE));
    ModuleLayer layer =
        ModuleLayer.boot()
            .defineModulesWithOneLoader(configuration, ClassLoader.getPlatformClassLoader());
    Module core = layer.findModule(CORE).orElseThrow();
    assertThat(core.isExported("io.accesstokens")).isTrue();
    assertThat(core.isExported("io.accesstokens.internal")).isFalse();
    ClassLoader loader = layer.findLoader(CORE);

    // A validator of the layer's classes on a store that knows nothing: a miss goes to the store
    // (through Caffeine, the digest and the miss path, all inside the module) and is refused.
    Class<?> storeType = loader.loadClass("io.accesstokens.spi.TokenStore");
    Class<?> entitlementsType = loader.loadClass("io.accesstokens.spi.Entitlements");
    Class<?> digestPolicyType = loader.loadClass("io.accesstokens.DigestPolicy");
    Class<?> contextType = loader.loadClass("io.accesstokens.LookupContext");
    Class<?> validatorType = loader.loadClass("io.accesstokens.TokenValidator");
    Class<?> scopeType = loader.loadClass("io.accesstokens.Scope");
    Class<?> organizationType = loader.loadClass("io.accesstokens.OrganizationId");
    Class<?> environmentType = loader.loadClass("io.accesstokens.EnvironmentId");
    assertThat(validatorType.getModule()).isSameAs(core);
    Object store =
        Proxy.newProxyInstance(
            loader,
            new Class<?>[] {storeType},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "findByDigest" -> Optional.empty();
                  case "toString" -> "an empty store";
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  default -> throw new UnsupportedOperationException(method.getName());
                });
    Object entitlements =
        Proxy.newProxyInstance(
            loader,
            new Class<?>[] {entitlementsType},
            (proxy, method, args) -> method.getName().equals("isEntitled") ? Boolean.TRUE : null);
    Object context =
        contextType
            .getMethod("of", storeType, digestPolicyType, entitlementsType)
            .invoke(null, store, digestPolicyType.getMethod("sha256").invoke(null), entitlements);
    Object builder = validatorType.getMethod("builder", contextType).invoke(null, context);
    Object validator = builder.getClass().getMethod("build").invoke(builder);
    Method validate =
        validatorType.getMethod(
            "validate", String.class, scopeType, organizationType, environmentType);
    Object edi = scopeType.getMethod("valueOf", String.class).invoke(null, "EDI");
    Object acme = organizationType.getMethod("of", String.class).invoke(null, "acme");
    Object production = environmentType.getMethod("of", String.class).invoke(null, "production");

    Throwable refused =
        catchThrowable(
            () ->
                validate.invoke(
                    validator, TokenMint.newValue(TokenMint.newId()), edi, acme, production));

    assertThat(refused).isInstanceOf(InvocationTargetException.class);
    Throwable cause = refused.getCause();
    assertThat(cause.getClass().getName()).isEqualTo("io.accesstokens.ConnectionOpenException");
    assertThat(cause.getClass().getModule()).isSameAs(core);
    assertThat(cause)
        .hasMessage("Error opening connection. Exception is: Error code: INVALID_TOKEN");
    Object stats = validatorType.getMethod("stats").invoke(validator);
    assertThat(stats.getClass().getMethod("storeLookups").invoke(stats)).isEqualTo(1L);
  }

  /** Core's classes (a directory holding module-info.class) and the jars of what it requires. */
  private static ModuleFinder finder() throws URISyntaxException {
    return ModuleFinder.of(
        location(TokenService.class),
        location(Caffeine.class),
        location(LoggerFactory.class),
        location(NullMarked.class));
  }

  private static Path location(Class<?> type) throws URISyntaxException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
  }
}
