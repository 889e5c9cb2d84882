package org.rightcare.hub.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Every overlay renders with kustomize, and everything it renders is an object the target Kubernetes (1.30) serves
 * and that matches the API's schema. What is and is not checked is listed in k8s/README.md ("Offline checks").
 */
class ManifestSchemaTest {

    static final List<String> OVERLAYS = Kustomize.OVERLAYS;

    /**
     * Every apiVersion/kind the manifests may use, each served by Kubernetes 1.30 (the built-in ones GA by 1.23) or
     * by the operators the README installs. Adding a kind means checking it against the target version here.
     */
    private static final Set<String> SERVED_BY_TARGET = Set.of(
            "v1/Namespace", "v1/Service", "v1/ConfigMap", "v1/Secret",
            "apps/v1/Deployment",
            "autoscaling/v2/HorizontalPodAutoscaler",
            "policy/v1/PodDisruptionBudget",
            "networking.k8s.io/v1/NetworkPolicy",
            "monitoring.coreos.com/v1/ServiceMonitor", "monitoring.coreos.com/v1/PrometheusRule",
            "postgresql.cnpg.io/v1/Cluster", "postgresql.cnpg.io/v1/ScheduledBackup");

    /** Custom resources no schema is available for offline; ManifestRulesTest checks what the hub relies on. */
    private static final Set<String> WITHOUT_SCHEMA = Set.of("postgresql.cnpg.io/v1/Cluster",
            "postgresql.cnpg.io/v1/ScheduledBackup");

    @BeforeAll
    static void needsKustomize() {
        Kustomize.requireKubectl();
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void rendersOnlyKindsTheTargetKubernetesServes(String overlay) {
        List<JsonNode> objects = Kustomize.render(overlay);
        assertFalse(objects.isEmpty(), overlay + " renders nothing");
        for (JsonNode object : objects) {
            assertTrue(SERVED_BY_TARGET.contains(typeOf(object)), () -> overlay + " renders " + typeOf(object)
                    + " " + object.path("metadata").path("name").asText() + ", not in the list checked for 1.30");
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyObjectMatchesItsKubernetesSchema(String overlay) {
        List<String> problems = new ArrayList<>();
        for (JsonNode object : Kustomize.render(overlay)) {
            String type = typeOf(object);
            if (WITHOUT_SCHEMA.contains(type)) {
                continue;
            }
            String apiVersion = object.path("apiVersion").asText();
            String kind = object.path("kind").asText();
            if (!KubernetesSchemas.instance().knows(apiVersion, kind)) {
                problems.add(type + ": no schema (" + KubernetesSchemas.definitionName(apiVersion, kind) + ")");
                continue;
            }
            String name = object.path("metadata").path("name").asText();
            KubernetesSchemas.instance().validate(object).forEach(p -> problems.add(type + " " + name + ": " + p));
        }
        assertEquals(List.of(), problems, overlay + " renders objects the Kubernetes API would refuse");
    }

    @Test
    void schemaCheckCatchesMisspeltFieldsAndWrongTypes() {
        // The validator must not pass everything: break a rendered Deployment the two commonest ways.
        JsonNode deployment = Kustomize.render("demo").stream()
                .filter(o -> "Deployment".equals(o.path("kind").asText())).findFirst().orElseThrow().deepCopy();
        ((ObjectNode) deployment.path("spec")).put("replicas", "two");
        ObjectNode container = (ObjectNode) deployment.path("spec").path("template").path("spec").path("containers")
                .get(0);
        container.set("readinessprobe", container.get("readinessProbe"));

        List<String> problems = KubernetesSchemas.instance().validate(deployment);

        assertTrue(problems.stream().anyMatch(p -> p.contains("replicas") && p.contains("integer")), problems::toString);
        assertTrue(problems.stream().anyMatch(p -> p.contains("readinessprobe")), problems::toString);
    }

    static String typeOf(JsonNode object) {
        return object.path("apiVersion").asText() + "/" + object.path("kind").asText();
    }
}
