package org.rightcare.hub.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SMART scopes of a token, read as permissions. SMART v1 ({@code system/Task.read}, {@code system/Task.write},
 * {@code system/Task.*}, {@code system/*.read}) and v2 ({@code system/Task.rs}, {@code system/Task.cruds}) forms are
 * both understood; {@code user/} scopes count like {@code system/} ones (people act through the same API), and
 * {@code patient/} scopes, which need a patient context this API does not have, grant nothing. Other scopes
 * ({@code openid}, {@code profile}, ...) are ignored.
 */
public final class Scopes {

    private static final Pattern SMART = Pattern.compile("^(system|user)/([A-Za-z]+|\\*)\\.(read|write|\\*|c?r?u?d?s?)$");

    private Scopes() {
    }

    /**
     * The permissions the scopes grant, or {@code null} when none of them is a SMART resource scope: such a token is
     * limited by its roles alone.
     */
    public static List<Permission> permissions(Collection<String> scopes) {
        List<Permission> granted = new ArrayList<>();
        boolean anySmart = false;
        for (String scope : scopes) {
            Matcher smart = SMART.matcher(scope);
            if (!smart.matches() || smart.group(3).isEmpty()) {
                anySmart |= scope.startsWith("patient/") || scope.startsWith("system/") || scope.startsWith("user/");
                continue;
            }
            anySmart = true;
            String type = smart.group(2);
            String access = smart.group(3);
            boolean v1 = access.equals("read") || access.equals("write") || access.equals("*");
            boolean read = v1 ? !access.equals("write") : access.contains("r") || access.contains("s");
            boolean write = v1 ? !access.equals("read")
                    : access.contains("c") || access.contains("u") || access.contains("d");
            if (read) {
                granted.add(Permission.read(type));
            }
            if (write) {
                granted.add(Permission.write(type));
            }
        }
        return anySmart ? List.copyOf(granted) : null;
    }
}
