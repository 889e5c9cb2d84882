package org.rightcare.hub.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;

/**
 * A key pair made at start for tokens the hub issues to itself: demo users in the demo profile, test callers in the
 * tests. The private key lives in a temporary file and dies with the process, so no key material is in the
 * repository and a demo token never outlives the demo.
 */
public final class DemoTokenKeys {

    private DemoTokenKeys() {
    }

    /** Settings that make quarkus-oidc verify, and smallrye-jwt sign, with a fresh RSA key pair. */
    public static Map<String, String> generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair keys = generator.generateKeyPair();
            Path privateKey = Files.createTempFile("rightcare-hub-token-key", ".pem",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            privateKey.toFile().deleteOnExit();
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            Files.writeString(privateKey, pem);
            return Map.of(
                    "quarkus.oidc.public-key", Base64.getEncoder().encodeToString(keys.getPublic().getEncoded()),
                    "smallrye.jwt.sign.key.location", privateKey.toUri().toString());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("RSA is part of every Java runtime", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the demo token key", e);
        }
    }
}
