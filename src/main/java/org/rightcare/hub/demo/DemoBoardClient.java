package org.rightcare.hub.demo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The board's client credentials with the demo OIDC provider ({@link DemoOidcProvider}): a secret made at start, known
 * only to this process, which both signs the board in at the token endpoint and encrypts its session cookie.
 */
@ApplicationScoped
public class DemoBoardClient {

    private final String secret;

    public DemoBoardClient() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    public String secret() {
        return secret;
    }

    /** Whether an {@code Authorization: Basic} header names the board with this secret. */
    boolean matchesBasic(String authorization) {
        if (authorization == null || !authorization.startsWith("Basic ")) {
            return false;
        }
        byte[] expected = (DemoOidcProvider.BOARD_CLIENT_ID + ":" + secret).getBytes(StandardCharsets.UTF_8);
        try {
            return MessageDigest.isEqual(expected, Base64.getDecoder().decode(authorization.substring(6).trim()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
