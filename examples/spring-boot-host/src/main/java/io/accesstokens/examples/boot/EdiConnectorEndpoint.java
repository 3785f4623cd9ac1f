package io.accesstokens.examples.boot;

import io.accesstokens.ConnectionOpenException;
import io.accesstokens.EnvironmentId;
import io.accesstokens.ErrorCode;
import io.accesstokens.OrganizationId;
import io.accesstokens.Scope;
import io.accesstokens.TokenValidator;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Stands for the EDI connector: a partner opens a connection to an organization's environment with
 * its token in the {@code Authorization: Bearer} header. Refused, the answer is exactly the
 * connector's message, whatever the cause.
 */
@RestController
class EdiConnectorEndpoint {
  private final TokenValidator validator;

  EdiConnectorEndpoint(TokenValidator validator) {
    this.validator = validator;
  }

  @PostMapping(value = "/edi/connect", produces = "text/plain")
  ResponseEntity<String> connect(
      HttpServletRequest request,
      @RequestParam("organization") String organization,
      @RequestParam("environment") String environment) {
    // Read from the request, never bound as a handler argument: Spring MVC logs a handler's
    // arguments at TRACE, and the token would be one of them.
    String authorization = request.getHeader("Authorization");
    String presented =
        authorization != null && authorization.startsWith("Bearer ")
            ? authorization.substring(7)
            : "";
    try {
      validator.validate(
          presented, Scope.EDI, OrganizationId.of(organization), EnvironmentId.of(environment));
      return ResponseEntity.ok("Connection opened");
    } catch (ConnectionOpenException e) {
      HttpStatus status =
          e.errorCode() == ErrorCode.STORE_UNAVAILABLE
              ? HttpStatus.SERVICE_UNAVAILABLE
              : HttpStatus.UNAUTHORIZED;
      return ResponseEntity.status(status).body(e.getMessage());
    } catch (IllegalArgumentException e) {
      // An organization or environment id that is no id at all: refused like any bad token.
      return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
          .body(new ConnectionOpenException(ErrorCode.INVALID_TOKEN).getMessage());
    }
  }
}
