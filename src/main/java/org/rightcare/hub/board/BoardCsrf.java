package org.rightcare.hub.board;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.SecurityIdentity;

/**
 * The board's defence against cross-site request forgery: every form carries a token bound to the signed-in session
 * (an HMAC of the person and the moment their session's ID token was issued, under a key made at start), and every
 * action refuses a form without the right one. The session cookie is also SameSite=Strict; this holds even where a
 * browser ignores that.
 */
@ApplicationScoped
public class BoardCsrf {

    private final SecretKeySpec key;

    public BoardCsrf() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.key = new SecretKeySpec(random, "HmacSHA256");
    }

    public String tokenFor(SecurityIdentity identity) {
        String session = identity.getPrincipal().getName();
        if (identity.getPrincipal() instanceof JsonWebToken token) {
            session += "|" + token.getIssuedAtTime() + "|" + token.getTokenID();
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(session.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    public boolean isValid(SecurityIdentity identity, String presented) {
        return presented != null && MessageDigest.isEqual(tokenFor(identity).getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }
}
