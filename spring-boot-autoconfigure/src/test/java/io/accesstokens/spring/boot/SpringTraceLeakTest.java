package io.accesstokens.spring.boot;

import static io.accesstokens.testing.Fixtures.ACME;
import static io.accesstokens.testing.Fixtures.ALICE;
import static io.accesstokens.testing.Fixtures.PROD;
import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.IssuedToken;
import io.accesstokens.Scope;
import io.accesstokens.TokenService;
import io.accesstokens.TokenValidator;
import io.accesstokens.testing.CapturingAppender;
import io.accesstokens.testing.Fixtures;
import io.accesstokens.testing.SecretLeakGuard;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.logging.ConditionEvaluationReportLoggingListener;
import org.springframework.boot.logging.LogLevel;

/**
 * The secret-leak guard over everything a context with the starter logs at TRACE: Spring's bean
 * factory, the property binder, the condition evaluation report, and the library's own lines, while
 * a token is created, validated, copied and deactivated with a sealing key from the properties.
 */
@ExtendWith(SecretLeakGuard.class)
class SpringTraceLeakTest {

  @Test
  void nothingTheContextLogsAtTrace_carriesAValueOrAKey() {
    int mark = CapturingAppender.mark();
    AccessTokensAutoConfigurationTest.runner()
        .withUserConfiguration(HostBeans.class)
        .withConfiguration(AutoConfigurations.of(AccessTokensWebAutoConfiguration.class))
        .withInitializer(ConditionEvaluationReportLoggingListener.forLogLevel(LogLevel.INFO))
        .run(
            context -> {
              TokenService service = context.getBean(TokenService.class);
              TokenValidator validator = context.getBean(TokenValidator.class);
              IssuedToken token = Fixtures.create(service, ACME, PROD, "partner", ALICE);
              validator.validate(token.value().reveal(), Scope.EDI, ACME, PROD);
              Fixtures.copy(service, ACME, token.id(), ALICE);
              service.deactivate(ACME, token.id(), ALICE);
            });
    List<String> lines = CapturingAppender.lines();
    List<String> logged = lines.subList(mark, lines.size());
    assertThat(logged).as("Spring logged at TRACE").anyMatch(line -> line.startsWith("TRACE"));
    assertThat(logged)
        .as("the condition evaluation report was logged")
        .anyMatch(line -> line.contains("CONDITIONS EVALUATION REPORT"));
    assertThat(logged)
        .as("the binder read the key's property")
        .anyMatch(line -> line.contains("access-tokens"));
    assertThat(logged).noneMatch(line -> line.contains(HostBeans.KEY));
    SecretLeakGuard.assertNoLeakSince(mark);
  }
}
