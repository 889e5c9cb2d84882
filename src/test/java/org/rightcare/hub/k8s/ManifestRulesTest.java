package org.rightcare.hub.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * What issue 7 asks of the manifests, checked on what each overlay renders: pods that keep serving through rollouts
 * and drains, a locked-down security context, probes on the Quarkus health endpoints, resources, secrets kept out of
 * ConfigMaps and out of git in prod, the files the hub reads where its settings say, the database wired to the hub,
 * and alerts and a dashboard built on the metric names the hub exposes.
 */
class ManifestRulesTest {

    static final List<String> OVERLAYS = Kustomize.OVERLAYS;

    /** The hub's metric names (k8s/README.md, "Metrics"): alerts and dashboard may use no other rightcare_ name. */
    private static final Set<String> HUB_METRICS = Set.of("rightcare_delivery_queue_age_seconds",
            "rightcare_delivery_endpoint_paused",
            "rightcare_delivery_dead_letters", "rightcare_referrals_sent_back_total", "rightcare_referrals_total",
            "rightcare_sweeper_lag_seconds", "rightcare_referral_time_to_accept_seconds", "rightcare_offers_total",
            "rightcare_stack_referrals", "rightcare_stack_oldest_seconds", "rightcare_cad_events_accepted_total",
            "rightcare_webhook_rejected_total", "rightcare_referral_step_failures_total",
            "rightcare_identity_provider_up");
    private static final Pattern HUB_METRIC = Pattern.compile("rightcare_[a-z0-9_]+");
    /** Histogram series are named after the histogram. */
    private static final Pattern HISTOGRAM_SERIES = Pattern.compile("_(bucket|sum|count)$");
    /** Words that mark a setting as secret: such a key or value has no place in a ConfigMap. */
    private static final Pattern SECRET_LOOKING = Pattern
            .compile("(?i)(secret|password|passwd|token|credential|api[_-]?key|private[_-]?key)\\s*[=:]");
    /** Secrets made outside the manifests, each documented in k8s/README.md. */
    private static final Set<String> EXTERNAL_SECRETS = Set.of("rightcare-hub-db-app", "rightcare-hub-db-ca",
            "rightcare-hub-cad-systems", "rightcare-hub-board-oidc");
    /** Database connections one hub replica may hold: quarkus.datasource.reactive.max-size + jdbc.max-size. */
    private static final int CONNECTIONS_PER_REPLICA = 19;
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void needsKustomize() {
        Kustomize.requireKubectl();
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void keepsTwoReplicasServingThroughRolloutsAndDrains(String overlay) {
        Rendered r = new Rendered(overlay);
        JsonNode spec = r.deployment().path("spec");
        int replicas = spec.path("replicas").asInt();
        assertTrue(replicas >= 2, "replicas " + replicas);
        assertEquals("RollingUpdate", spec.path("strategy").path("type").asText());
        assertEquals(0, spec.path("strategy").path("rollingUpdate").path("maxUnavailable").asInt(-1));
        assertEquals(1, spec.path("strategy").path("rollingUpdate").path("maxSurge").asInt());

        JsonNode hpa = r.one("HorizontalPodAutoscaler", "rightcare-hub").path("spec");
        assertEquals("Deployment", hpa.path("scaleTargetRef").path("kind").asText());
        assertEquals("rightcare-hub", hpa.path("scaleTargetRef").path("name").asText());
        assertTrue(hpa.path("minReplicas").asInt() >= 2 && hpa.path("minReplicas").asInt() <= replicas,
                "HPA minReplicas " + hpa.path("minReplicas") + " against replicas " + replicas);
        assertTrue(hpa.path("maxReplicas").asInt() > hpa.path("minReplicas").asInt());

        JsonNode pdb = r.one("PodDisruptionBudget", "rightcare-hub").path("spec");
        assertTrue(selects(pdb.path("selector").path("matchLabels"), r.podLabels()), "PDB selects the hub's pods");
        int minAvailable = pdb.path("minAvailable").asInt();
        // At least one pod stays up, and a drain is never blocked outright.
        assertTrue(minAvailable >= 1 && minAvailable < hpa.path("minReplicas").asInt(), "minAvailable " + minAvailable);
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void runsAsNonRootOnAReadOnlyRootWithNoCapabilities(String overlay) {
        Rendered r = new Rendered(overlay);
        JsonNode pod = r.podSpec();
        assertTrue(pod.path("securityContext").path("runAsNonRoot").asBoolean());
        assertEquals("RuntimeDefault", pod.path("securityContext").path("seccompProfile").path("type").asText());
        assertFalse(pod.path("automountServiceAccountToken").asBoolean(true));
        for (JsonNode container : pod.path("containers")) {
            JsonNode security = container.path("securityContext");
            assertTrue(security.path("readOnlyRootFilesystem").asBoolean(), "read-only root");
            assertFalse(security.path("allowPrivilegeEscalation").asBoolean(true), "no privilege escalation");
            assertEquals(List.of("ALL"), texts(security.path("capabilities").path("drop")));
            assertTrue(texts(container.path("volumeMounts"), "mountPath").contains("/tmp"), "writable /tmp");
        }
        String tmpVolume = StreamSupport.stream(pod.path("containers").get(0).path("volumeMounts").spliterator(), false)
                .filter(m -> "/tmp".equals(m.path("mountPath").asText())).findFirst().orElseThrow()
                .path("name").asText();
        assertTrue(volume(pod, tmpVolume).has("emptyDir"), "/tmp is an emptyDir");
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void probesUseTheQuarkusHealthEndpointsAndShutdownDrainsWithinTheGracePeriod(String overlay) {
        Rendered r = new Rendered(overlay);
        JsonNode container = r.hubContainer();
        assertEquals("/q/health/ready", container.path("readinessProbe").path("httpGet").path("path").asText());
        assertEquals("/q/health/live", container.path("livenessProbe").path("httpGet").path("path").asText());
        assertEquals("/q/health/started", container.path("startupProbe").path("httpGet").path("path").asText());

        long preStop = container.path("lifecycle").path("preStop").path("sleep").path("seconds").asLong();
        assertTrue(preStop > 0, "a preStop pause lets the endpoint removal spread before SIGTERM");
        long shutdown = Duration.parse("PT" + r.config().get("QUARKUS_SHUTDOWN_TIMEOUT").toUpperCase()).toSeconds();
        long deliveries = Duration.parse("PT" + r.config().get("HUB_DELIVERY_SHUTDOWN_GRACE").toUpperCase()).toSeconds();
        long grace = r.podSpec().path("terminationGracePeriodSeconds").asLong();
        assertTrue(grace > preStop + shutdown + deliveries, "grace " + grace + " s must cover preStop " + preStop
                + " s + shutdown " + shutdown + " s + delivery hand-back " + deliveries + " s");
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyContainerRequestsAndLimitsCpuAndMemory(String overlay) {
        Rendered r = new Rendered(overlay);
        for (JsonNode container : r.podSpec().path("containers")) {
            JsonNode resources = container.path("resources");
            for (String resource : List.of("cpu", "memory")) {
                BigDecimal request = quantity(resources.path("requests").path(resource).asText());
                BigDecimal limit = quantity(resources.path("limits").path(resource).asText());
                assertTrue(request.signum() > 0 && limit.compareTo(request) >= 0,
                        container.path("name").asText() + " " + resource + ": request " + request + ", limit " + limit);
            }
        }
        assertTrue(r.hubContainer().toString().contains("MaxRAMPercentage"), "the heap follows the memory limit");
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void configMapsCarryNoSecrets(String overlay) {
        for (JsonNode configMap : new Rendered(overlay).all("ConfigMap")) {
            configMap.path("data").fields().forEachRemaining(entry -> {
                String name = configMap.path("metadata").path("name").asText() + "/" + entry.getKey();
                assertFalse(SECRET_LOOKING.matcher(entry.getKey() + "=").find(), name + " looks like a secret");
                assertFalse(SECRET_LOOKING.matcher(entry.getValue().asText()).find(), name + " holds a secret");
            });
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everySecretAndConfigMapTheHubNeedsIsRenderedOrDocumented(String overlay) throws IOException {
        Rendered r = new Rendered(overlay);
        String readme = Files.readString(Kustomize.K8S.resolve("README.md"), StandardCharsets.UTF_8);
        for (String configMap : r.referenced("configMap")) {
            assertTrue(r.has("ConfigMap", configMap), "ConfigMap " + configMap + " is rendered");
        }
        for (String secret : r.referenced("secret")) {
            if (r.has("Secret", secret)) {
                continue;
            }
            assertTrue(EXTERNAL_SECRETS.contains(secret), "Secret " + secret + " is neither rendered nor external");
            assertTrue(readme.contains(secret), "k8s/README.md says who creates Secret " + secret);
        }
        if (overlay.equals("prod")) {
            assertEquals(List.of(), r.all("Secret"), "prod keeps every secret out of git");
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void theHubFindsItsRoutingFilesAndCadSystemsWhereItsSettingsSay(String overlay) throws IOException {
        Rendered r = new Rendered(overlay);
        Map<String, String> config = r.config();
        JsonNode routing = r.mountedFile(config.get("HUB_DIRECTORY_FILE"));
        assertTrue(YAML.readTree(routing.asText()).path("services").isArray(), "directory.yaml lists services");
        JsonNode policy = r.mountedFile(config.get("HUB_ROUTING_POLICY_FILE"));
        assertTrue(YAML.readTree(policy.asText()).path("rules").isArray(), "policy.yaml has rules");

        String cadSystems = config.get("QUARKUS_CONFIG_LOCATIONS");
        String secretName = r.mountedVolume(cadSystems).path("secret").path("secretName").asText();
        assertTrue(secretName.startsWith("rightcare-hub-cad-systems"), cadSystems + " is the CAD systems Secret");
        if (overlay.equals("demo")) {
            String properties = new String(Base64.getMimeDecoder().decode(r.mountedFile(cadSystems).asText()),
                    StandardCharsets.UTF_8);
            assertTrue(properties.contains("hub.cad.systems.\"DEMO-CAD\".secret="), properties);
        }
        for (String placeholder : List.of("HUB_PUBLIC_BASE_URL", "QUARKUS_OIDC_AUTH_SERVER_URL",
                "QUARKUS_OIDC_BOARD_AUTH_SERVER_URL")) {
            assertFalse(config.get(placeholder).contains(".invalid"), overlay + " sets " + placeholder);
        }
        // The board's own tenant, which the prod profile requires: the code flow, on /board only, with its secret.
        assertEquals("web-app", config.get("QUARKUS_OIDC_BOARD_APPLICATION_TYPE"));
        assertEquals("/board,/board/*", config.get("QUARKUS_OIDC_BOARD_TENANT_PATHS"));
        assertTrue(r.env("QUARKUS_OIDC_BOARD_CREDENTIALS_SECRET").path("valueFrom").path("secretKeyRef").path("name")
                .asText().startsWith("rightcare-hub-board-oidc"));
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void theDatabaseClusterIsTheOneTheHubConnectsTo(String overlay) {
        Rendered r = new Rendered(overlay);
        JsonNode cluster = r.one("Cluster", "rightcare-hub-db");
        assertEquals("postgresql.cnpg.io/v1", cluster.path("apiVersion").asText());
        JsonNode spec = cluster.path("spec");
        assertEquals(overlay.equals("prod") ? 3 : 1, spec.path("instances").asInt());
        assertEquals("hub", spec.path("bootstrap").path("initdb").path("owner").asText());
        String database = spec.path("bootstrap").path("initdb").path("database").asText();
        assertFalse(spec.path("storage").path("size").asText().isEmpty(), "storage size");

        String primary = "rightcare-hub-db-rw:5432/" + database;
        assertEquals("postgresql://" + primary, r.config().get("QUARKUS_DATASOURCE_REACTIVE_URL"));
        assertEquals("jdbc:postgresql://" + primary + "?sslmode=verify-full&sslrootcert=/secrets/db-ca/ca.crt",
                r.config().get("QUARKUS_DATASOURCE_JDBC_URL"));
        // TLS to PostgreSQL, verified against CloudNativePG's CA for the cluster (<cluster>-ca), mounted where the
        // settings say.
        assertEquals("verify-full", r.config().get("QUARKUS_DATASOURCE_REACTIVE_POSTGRESQL_SSL_MODE"));
        String ca = r.config().get("QUARKUS_DATASOURCE_REACTIVE_TRUST_CERTIFICATE_PEM_CERTS");
        assertEquals(cluster.path("metadata").path("name").asText() + "-ca",
                r.mountedVolume(ca).path("secret").path("secretName").asText());
        // CloudNativePG names the owner's generated secret <cluster>-app.
        for (String variable : List.of("QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD")) {
            assertEquals("rightcare-hub-db-app", r.env(variable).path("valueFrom").path("secretKeyRef").path("name")
                    .asText(), variable);
        }
        int maxReplicas = r.one("HorizontalPodAutoscaler", "rightcare-hub").path("spec").path("maxReplicas").asInt();
        int maxConnections = spec.path("postgresql").path("parameters").path("max_connections").asInt();
        assertTrue(maxConnections > maxReplicas * CONNECTIONS_PER_REPLICA,
                "max_connections " + maxConnections + " for " + maxReplicas + " replicas");
        if (overlay.equals("prod")) {
            assertEquals("required", spec.path("affinity").path("podAntiAffinityType").asText());
            // Continuous backups to object storage, with the credentials' Secret named, and a nightly base backup.
            JsonNode store = spec.path("backup").path("barmanObjectStore");
            assertFalse(store.path("destinationPath").asText().isEmpty(), "backup destination");
            assertEquals("rightcare-hub-db-backup", store.path("s3Credentials").path("accessKeyId").path("name").asText());
            JsonNode nightly = r.all("ScheduledBackup").get(0);
            assertEquals(cluster.path("metadata").path("name").asText(),
                    nightly.path("spec").path("cluster").path("name").asText());
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void networkPoliciesLetInOnlyTheIngressAndPrometheusAndLetOutOnlyWhatTheHubCalls(String overlay) {
        Rendered r = new Rendered(overlay);
        Set<Integer> in = new TreeSet<>();
        Set<Integer> out = new TreeSet<>();
        for (JsonNode policy : r.all("NetworkPolicy")) {
            JsonNode spec = policy.path("spec");
            assertTrue(selects(spec.path("podSelector").path("matchLabels"), r.podLabels()), "selects the hub");
            spec.path("ingress").forEach(rule -> {
                assertFalse(rule.path("from").isEmpty(), "ingress from named peers only");
                rule.path("ports").forEach(port -> in.add(port.path("port").asInt()));
            });
            spec.path("egress").forEach(rule -> rule.path("ports").forEach(port -> out.add(port.path("port").asInt())));
        }
        assertEquals(Set.of(8080), in);
        Set<Integer> allowedOut = new HashSet<>(Set.of(53, 443, 5432));
        if (overlay.equals("demo")) {
            allowedOut.add(8080); // the in-cluster Keycloak
        }
        assertEquals(allowedOut, out);
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyObjectCarriesTheRecommendedLabelsAndTheServiceReachesThePods(String overlay) {
        Rendered r = new Rendered(overlay);
        for (JsonNode object : r.objects) {
            JsonNode labels = object.path("metadata").path("labels");
            String name = object.path("kind").asText() + " " + object.path("metadata").path("name").asText();
            assertEquals("rightcare-hub", labels.path("app.kubernetes.io/part-of").asText(), name);
            if (!object.path("kind").asText().equals("Namespace")) {
                assertFalse(labels.path("app.kubernetes.io/name").asText().isEmpty(), name);
            }
        }
        assertTrue(selects(r.deployment().path("spec").path("selector").path("matchLabels"), r.podLabels()));
        JsonNode service = r.one("Service", "rightcare-hub");
        assertTrue(selects(service.path("spec").path("selector"), r.podLabels()), "Service selects the hub's pods");
        assertEquals(List.of("http"), texts(service.path("spec").path("ports"), "name"));
        assertEquals(8080, service.path("spec").path("ports").get(0).path("port").asInt());

        JsonNode monitor = r.one("ServiceMonitor", "rightcare-hub").path("spec");
        assertTrue(selects(monitor.path("selector").path("matchLabels"), service.path("metadata").path("labels")));
        assertEquals("http", monitor.path("endpoints").get(0).path("port").asText());
        assertEquals("/q/metrics", monitor.path("endpoints").get(0).path("path").asText());
        assertEquals("false", r.deployment().path("spec").path("template").path("metadata").path("annotations")
                .path("prometheus.io/scrape").asText(), "the ServiceMonitor, not annotations, drives scraping");
    }

    @Test
    void prodSpreadsOverZonesAndPinsItsImageByDigest() {
        Rendered prod = new Rendered("prod");
        assertTrue(texts(prod.podSpec().path("topologySpreadConstraints"), "topologyKey")
                .contains("topology.kubernetes.io/zone"));
        assertTrue(prod.hubContainer().path("image").asText().matches(".+@sha256:[0-9a-f]{64}"),
                prod.hubContainer().path("image").asText());
        assertTrue(new Rendered("demo").hubContainer().path("image").asText().matches("[^@]+:[^/@]+"));
    }

    @Test
    void alertsWaitBeforeFiringSayWhatToDoAndUseTheHubsMetricNames() {
        JsonNode rules = new Rendered("prod").one("PrometheusRule", "rightcare-hub").path("spec").path("groups");
        Set<String> alerts = new TreeSet<>();
        for (JsonNode group : rules) {
            for (JsonNode rule : group.path("rules")) {
                String alert = rule.path("alert").asText();
                alerts.add(alert);
                assertTrue(durationOf(rule.path("for").asText()).toMinutes() >= 2, alert + " waits before firing");
                assertTrue(Set.of("warning", "critical").contains(rule.path("labels").path("severity").asText()),
                        alert + " severity");
                for (String annotation : List.of("summary", "description", "runbook")) {
                    assertFalse(rule.path("annotations").path(annotation).asText().isBlank(), alert + " " + annotation);
                }
                assertHubMetricsOnly(rule.path("expr").asText(), alert);
            }
        }
        assertEquals(Set.of("RightcareHubDown", "RightcareHubPodNotReady", "RightcareIdentityProviderDown",
                "RightcareHttpErrors", "RightcareDeliveryQueueAge", "RightcareDeadLetters", "RightcareSendBackRateHigh",
                "RightcareSendBackReason", "RightcareDestinationPaused", "RightcareReferralStepsFailing",
                "RightcareSweeperLag"), alerts);
    }

    @Test
    void theDashboardHasThePanelsOperatorsNeedOnTheHubsMetricNames() throws IOException {
        JsonNode configMap = new Rendered("prod").one("ConfigMap", "rightcare-hub-dashboard");
        assertEquals("1", configMap.path("metadata").path("labels").path("grafana_dashboard").asText());
        JsonNode dashboard = JSON.readTree(configMap.path("data").path("rightcare-hub.json").asText());
        Set<String> titles = new TreeSet<>(texts(dashboard.path("panels"), "title"));
        assertEquals(new TreeSet<>(Set.of("Referrals by outcome", "Send-backs by reason", "Time to accept",
                "Delivery queue age", "Dead letters", "Deadline sweeper lag", "JVM memory", "Community send-back share",
                "Offers by answer", "Stack", "CAD events accepted", "Webhook rejections", "Paused destinations",
                "Referral step failures", "HTTP errors", "HTTP latency", "Identity provider")), titles);
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                assertHubMetricsOnly(target.path("expr").asText(), panel.path("title").asText());
            }
        }
    }

    @Test
    void theReadmeDocumentsEveryMetricNameTheAlertsAndDashboardUse() throws IOException {
        String readme = Files.readString(Kustomize.K8S.resolve("README.md"), StandardCharsets.UTF_8);
        for (String metric : HUB_METRICS) {
            assertTrue(readme.contains("`" + metric + "`"), "k8s/README.md documents " + metric);
        }
    }

    private static void assertHubMetricsOnly(String expression, String where) {
        Matcher matcher = HUB_METRIC.matcher(expression);
        while (matcher.find()) {
            String metric = HISTOGRAM_SERIES.matcher(matcher.group()).replaceFirst("");
            assertTrue(HUB_METRICS.contains(metric), where + " uses " + matcher.group() + ", not a documented name");
        }
    }

    /** One overlay's rendered objects, with the hub's Deployment at hand. */
    private static final class Rendered {
        final List<JsonNode> objects;

        Rendered(String overlay) {
            this.objects = Kustomize.render(overlay);
        }

        List<JsonNode> all(String kind) {
            return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
        }

        boolean has(String kind, String name) {
            return all(kind).stream().anyMatch(o -> name.equals(o.path("metadata").path("name").asText()));
        }

        /** The object of this kind whose name is {@code name}, or starts with it and a generator's hash. */
        JsonNode one(String kind, String name) {
            List<JsonNode> found = all(kind).stream()
                    .filter(o -> o.path("metadata").path("name").asText().matches(Pattern.quote(name) + "(-[a-z0-9]{10})?"))
                    .toList();
            assertEquals(1, found.size(), () -> "one " + kind + " " + name);
            return found.get(0);
        }

        JsonNode deployment() {
            return one("Deployment", "rightcare-hub");
        }

        JsonNode podSpec() {
            return deployment().path("spec").path("template").path("spec");
        }

        JsonNode podLabels() {
            return deployment().path("spec").path("template").path("metadata").path("labels");
        }

        JsonNode hubContainer() {
            return StreamSupport.stream(podSpec().path("containers").spliterator(), false)
                    .filter(c -> "hub".equals(c.path("name").asText())).findFirst().orElseThrow();
        }

        JsonNode env(String name) {
            return StreamSupport.stream(hubContainer().path("env").spliterator(), false)
                    .filter(e -> name.equals(e.path("name").asText())).findFirst().orElseThrow();
        }

        /** The hub's settings from the ConfigMap its container reads as environment variables. */
        Map<String, String> config() {
            String name = hubContainer().path("envFrom").get(0).path("configMapRef").path("name").asText();
            JsonNode data = one("ConfigMap", name).path("data");
            return JSON.convertValue(data, JSON.getTypeFactory().constructMapType(Map.class, String.class,
                    String.class));
        }

        /** Names of the ConfigMaps ({@code "configMap"}) or Secrets ({@code "secret"}) the pod refers to. */
        Set<String> referenced(String type) {
            Set<String> names = new TreeSet<>();
            String ref = type + "Ref";
            String keyRef = type + "KeyRef";
            for (JsonNode container : podSpec().path("containers")) {
                container.path("envFrom").forEach(e -> addText(names, e.path(ref).path("name")));
                container.path("env").forEach(e -> addText(names, e.path("valueFrom").path(keyRef).path("name")));
            }
            podSpec().path("volumes").forEach(v -> addText(names,
                    type.equals("secret") ? v.path("secret").path("secretName") : v.path("configMap").path("name")));
            return names;
        }

        /** The volume mounted over {@code path}'s directory in the hub container. */
        JsonNode mountedVolume(String path) {
            String directory = path.substring(0, path.lastIndexOf('/'));
            JsonNode mount = StreamSupport.stream(hubContainer().path("volumeMounts").spliterator(), false)
                    .filter(m -> directory.equals(m.path("mountPath").asText())).findFirst()
                    .orElseThrow(() -> new AssertionError("nothing is mounted at " + directory + " for " + path));
            return volume(podSpec(), mount.path("name").asText());
        }

        /** The ConfigMap or Secret entry a mounted file's content comes from. */
        JsonNode mountedFile(String path) {
            JsonNode volume = mountedVolume(path);
            String file = path.substring(path.lastIndexOf('/') + 1);
            JsonNode source = volume.has("configMap") ? one("ConfigMap", volume.path("configMap").path("name").asText())
                    : one("Secret", volume.path("secret").path("secretName").asText());
            JsonNode content = source.path("data").path(file);
            assertFalse(content.isMissingNode(), path + " is in " + source.path("metadata").path("name").asText());
            return content;
        }
    }

    private static JsonNode volume(JsonNode podSpec, String name) {
        return StreamSupport.stream(podSpec.path("volumes").spliterator(), false)
                .filter(v -> name.equals(v.path("name").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    private static boolean selects(JsonNode selector, JsonNode labels) {
        if (selector.isEmpty()) {
            return false;
        }
        List<Map.Entry<String, JsonNode>> terms = new ArrayList<>();
        selector.fields().forEachRemaining(terms::add);
        return terms.stream().allMatch(t -> t.getValue().asText().equals(labels.path(t.getKey()).asText()));
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    private static List<String> texts(JsonNode array, String field) {
        return StreamSupport.stream(array.spliterator(), false).map(n -> n.path(field).asText()).toList();
    }

    private static void addText(Set<String> names, JsonNode node) {
        if (!node.isMissingNode() && !node.asText().isEmpty()) {
            names.add(node.asText());
        }
    }

    /** Kubernetes quantities as used here: plain or milli CPU, binary memory suffixes. */
    private static BigDecimal quantity(String text) {
        Matcher m = Pattern.compile("(\\d+(?:\\.\\d+)?)(m|Ki|Mi|Gi)?").matcher(text);
        assertTrue(m.matches(), "quantity " + text);
        BigDecimal number = new BigDecimal(m.group(1));
        String suffix = m.group(2) == null ? "" : m.group(2);
        return switch (suffix) {
            case "m" -> number.movePointLeft(3);
            case "Ki" -> number.multiply(BigDecimal.valueOf(1L << 10));
            case "Mi" -> number.multiply(BigDecimal.valueOf(1L << 20));
            case "Gi" -> number.multiply(BigDecimal.valueOf(1L << 30));
            default -> number;
        };
    }

    /** Prometheus durations as used here: 30s, 5m, 1h. */
    private static Duration durationOf(String text) {
        assertTrue(text.matches("\\d+[smh]"), "duration " + text);
        return Duration.parse("PT" + text.toUpperCase());
    }
}
