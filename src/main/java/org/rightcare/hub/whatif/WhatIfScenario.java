package org.rightcare.hub.whatif;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.DirectoryFileLoader;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.incidents.IncidentShape;
import org.rightcare.hub.routing.RoutingPolicy;
import org.rightcare.hub.routing.RoutingPolicyLoader;
import org.rightcare.hub.support.ConfigFiles;
import org.rightcare.hub.support.ConfigProblem;
import org.rightcare.hub.support.FieldError;
import org.rightcare.hub.support.InvalidConfigurationException;
import org.rightcare.hub.support.YamlBinding;
import org.rightcare.hub.support.YamlDocument;

/**
 * Everything a what-if run compares against: the directory and the routing policy (read by the same loaders the live
 * hub uses), the shape of the incidents to generate, how providers behave, and the variants worth trying. Kept as a
 * YAML file; the demo ICB's is {@code whatif/wealdshire-scenario.yaml}.
 */
public final class WhatIfScenario {

    public static final String WEALDSHIRE = "classpath:whatif/wealdshire-scenario.yaml";

    /** The file as written. */
    record File(String directory, String policy, String incidentShape, String firstDay, int days, long seed,
            Providers providers, List<Variant> variants) {
    }

    /** Provider settings: the defaults, over which each service type's, over which each service's. */
    public record Providers(ProviderBehaviour defaults, Map<String, ProviderBehaviour> byType,
            Map<String, ProviderBehaviour> byService) {
        public Providers {
            byType = byType == null ? Map.of() : Map.copyOf(byType);
            byService = byService == null ? Map.of() : Map.copyOf(byService);
        }
    }

    /** A variant ready to run: its directory, policy, and each service's provider settings. */
    public record Prepared(Variant variant, RoutingPolicy policy, List<CommunityService> services,
            Function<CommunityService, ProviderBehaviour> behaviour) {

        /** Places and care time of each service that counts places. */
        public Map<String, WhatIfSimulator.ServiceCapacity> capacity() {
            Map<String, WhatIfSimulator.ServiceCapacity> capacity = new LinkedHashMap<>();
            for (CommunityService service : services) {
                ProviderBehaviour b = behaviour.apply(service);
                if (b.places() != null) {
                    capacity.put(service.id(), new WhatIfSimulator.ServiceCapacity(b.places(), b.care()));
                }
            }
            return capacity;
        }
    }

    /** A variant that breaks a rule; nothing was run. */
    public static final class VariantRejectedException extends RuntimeException {
        private final List<FieldError> problems;

        public VariantRejectedException(List<FieldError> problems) {
            super(String.join("\n", problems.stream().map(p -> p.pointer() + ": " + p.detail()).toList()));
            this.problems = List.copyOf(problems);
        }

        public List<FieldError> problems() {
            return problems;
        }
    }

    private final String location;
    private final List<CommunityService> directory;
    private final RoutingPolicy policy;
    private final IncidentShape shape;
    private final LocalDate firstDay;
    private final int days;
    private final long seed;
    private final Providers providers;
    private final List<Variant> variants;

    private WhatIfScenario(String location, List<CommunityService> directory, RoutingPolicy policy,
            IncidentShape shape, LocalDate firstDay, int days, long seed, Providers providers, List<Variant> variants) {
        this.location = location;
        this.directory = directory;
        this.policy = policy;
        this.shape = shape;
        this.firstDay = firstDay;
        this.days = days;
        this.seed = seed;
        this.providers = providers;
        this.variants = variants;
    }

    /**
     * @param location a path, or {@code classpath:} and a resource name; files it names are read the same way
     * @throws InvalidConfigurationException listing every problem with its line
     */
    public static WhatIfScenario load(String location) {
        YamlBinding.Bound<File> bound = YamlBinding.load(location, File.class, "a what-if scenario");
        YamlDocument document = bound.document();
        File file = bound.value();
        List<ConfigProblem> problems = new ArrayList<>();
        LocalDate firstDay = null;
        try {
            firstDay = LocalDate.parse(String.valueOf(file.firstDay()));
        } catch (DateTimeParseException e) {
            problems.add(document.problem("/firstDay", "must be a date such as 2026-11-16"));
        }
        if (file.days() < 1 || file.days() > 31) {
            problems.add(document.problem("/days", "must be 1 to 31"));
        }
        if (file.providers() == null || file.providers().defaults() == null) {
            problems.add(document.problem("/providers", "needs defaults"));
        } else {
            file.providers().defaults().problems(true)
                    .forEach(p -> problems.add(document.problem("/providers/defaults", p)));
            file.providers().byType().forEach((type, b) -> {
                if (ServiceType.fromCode(type).isEmpty()) {
                    problems.add(document.problem("/providers/byType/" + type, type + " is not a service type"));
                }
                b.problems(false).forEach(p -> problems.add(document.problem("/providers/byType/" + type, p)));
            });
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
        List<CommunityService> directory = DirectoryFileLoader.load(file.directory()).services();
        WhatIfScenario scenario = new WhatIfScenario(location, directory, readPolicy(file.policy()),
                IncidentShape.load(file.incidentShape()), firstDay, file.days(), file.seed(), file.providers(),
                file.variants() == null ? List.of() : List.copyOf(file.variants()));
        file.providers().byService().forEach((id, b) -> {
            if (directory.stream().noneMatch(s -> s.id().equals(id))) {
                problems.add(document.problem("/providers/byService/" + id, "the directory has no service " + id));
            }
            b.problems(false).forEach(p -> problems.add(document.problem("/providers/byService/" + id, p)));
        });
        Set<String> names = new HashSet<>(Set.of(Variant.BASELINE));
        for (int i = 0; i < scenario.variants.size(); i++) {
            Variant variant = scenario.variants.get(i);
            String at = "/variants/" + i;
            if (variant.name() != null && !names.add(variant.name())) {
                problems.add(document.problem(at + "/name", "another variant (or the baseline) is named " + variant.name()));
            }
            try {
                scenario.prepare(variant, true);
            } catch (VariantRejectedException e) {
                e.problems().forEach(p -> problems.add(document.problem(at + p.pointer(), p.detail())));
            } catch (InvalidConfigurationException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
        return scenario;
    }

    /**
     * The variant's directory, policy and provider settings.
     *
     * @param mayNameFiles whether the variant may name another policy file: only a scenario file may, never a request
     * @throws VariantRejectedException with every problem, by pointer into the variant
     */
    public Prepared prepare(Variant variant, boolean mayNameFiles) {
        Variant.Applied applied = variant.applyTo(directory);
        List<FieldError> problems = new ArrayList<>(applied.problems());
        if (variant.policy() != null && !mayNameFiles) {
            problems.add(new FieldError("/policy", "a run requested through the API uses the scenario's policy"));
        }
        if (!problems.isEmpty()) {
            throw new VariantRejectedException(problems);
        }
        RoutingPolicy variantPolicy = variant.policy() == null ? policy : readPolicy(variant.policy());
        Function<CommunityService, ProviderBehaviour> behaviour = service -> variant.providers()
                .getOrDefault(service.id(), ProviderBehaviour.NONE)
                .over(providers.byService().getOrDefault(service.id(), ProviderBehaviour.NONE))
                .over(providers.byType().getOrDefault(service.type().code(), ProviderBehaviour.NONE))
                .over(providers.defaults());
        return new Prepared(variant, variantPolicy, applied.services(), behaviour);
    }

    /** The scenario's variant of that name; the baseline is always there. */
    public java.util.Optional<Variant> variant(String name) {
        if (Variant.BASELINE.equals(name)) {
            return java.util.Optional.of(Variant.baseline());
        }
        return variants.stream().filter(v -> name.equals(v.name())).findFirst();
    }

    private static RoutingPolicy readPolicy(String location) {
        return RoutingPolicyLoader.load(location, new String(ConfigFiles.read(location), StandardCharsets.UTF_8));
    }

    public String location() {
        return location;
    }

    public IncidentShape shape() {
        return shape;
    }

    public LocalDate firstDay() {
        return firstDay;
    }

    public int days() {
        return days;
    }

    public long seed() {
        return seed;
    }

    public List<Variant> variants() {
        return variants;
    }
}
