package io.accesstokens.examples.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A host with the starter: {@code mvn -pl examples/spring-boot-host spring-boot:run}, then the page
 * at http://localhost:8080/access-tokens/ (sign in as alice / alice-password) and the connector's
 * stand-in at {@code POST /edi/connect}.
 */
@SpringBootApplication
public class HostApplication {
  public static void main(String[] args) {
    SpringApplication.run(HostApplication.class, args);
  }
}
