package org.rightcare.hub.whatif;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.ServiceDefinitionFormat;
import org.rightcare.hub.support.FieldError;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A change to the directory, the providers or the policy, to compare with how things are. Written as a small overlay
 * in the scenario file (or the admin API's request):
 *
 * <pre>
 * - name: ucr-until-22
 *   description: The three UCR teams open until 22:00
 *   change:                 # a service's directory entry, merged into the current one (JSON merge patch)
 *     ucr-maidstone: {openingHours: {availableTime: [{daysOfWeek: [mon, ...], start: "08:00", end: "22:00"}]}}
 *   remove: [sdec-medical-maidstone]       # services taken out of the directory
 *   add: [ ...full directory entries... ]  # new services
 *   providers:              # provider settings by service id, over the scenario's (places, careMinutes, ...)
 *     vw-frailty-weald: {places: 8}
 *   policy: path/to/other-policy.yaml      # another routing policy (scenario files only)
 * </pre>
 *
 * A changed or added entry is checked by the directory's own rules, so a variant cannot describe a service the hub
 * would refuse.
 */
public record Variant(String name, String description, Map<String, JsonNode> change, List<String> remove,
        List<JsonNode> add, Map<String, ProviderBehaviour> providers, String policy) {

    public static final String BASELINE = "baseline";

    public Variant {
        change = change == null ? Map.of() : Map.copyOf(change);
        remove = remove == null ? List.of() : List.copyOf(remove);
        add = add == null ? List.of() : List.copyOf(add);
        providers = providers == null ? Map.of() : Map.copyOf(providers);
    }

    /** The directory as it is: no change. */
    public static Variant baseline() {
        return new Variant(BASELINE, "The directory, providers and policy as they are", null, null, null, null, null);
    }

    /** The directory with this variant's changes, or every problem found (pointers relative to the variant). */
    public record Applied(List<CommunityService> services, List<FieldError> problems) {
    }

    public Applied applyTo(List<CommunityService> directory) {
        List<FieldError> problems = new ArrayList<>();
        if (name == null || !ServiceDefinitionFormat.SERVICE_ID.matcher(name).matches()) {
            problems.add(new FieldError("/name", "is required: lower case letters, digits and dashes, e.g. ucr-until-22"));
        }
        Set<String> known = new HashSet<>();
        directory.forEach(s -> known.add(s.id()));
        change.keySet().stream().sorted().filter(id -> !known.contains(id)).forEach(id -> problems
                .add(new FieldError("/change/" + id, "the directory has no service " + id)));
        for (int i = 0; i < remove.size(); i++) {
            if (!known.contains(remove.get(i))) {
                problems.add(new FieldError("/remove/" + i, "the directory has no service " + remove.get(i)));
            }
        }
        List<CommunityService> services = new ArrayList<>();
        for (CommunityService service : directory) {
            if (remove.contains(service.id())) {
                continue;
            }
            JsonNode patch = change.get(service.id());
            if (patch == null) {
                services.add(service);
                continue;
            }
            if (!patch.isObject()) {
                problems.add(new FieldError("/change/" + service.id(), "must be a mapping of directory entry fields"));
                continue;
            }
            ObjectNode merged = ServiceDefinitionFormat.write(service);
            mergePatch(merged, (ObjectNode) patch);
            merged.put("id", service.id());
            ServiceDefinitionFormat.Result result = ServiceDefinitionFormat.read(merged, "/change/" + service.id());
            problems.addAll(result.errors());
            result.service().ifPresent(services::add);
        }
        for (int i = 0; i < add.size(); i++) {
            ServiceDefinitionFormat.Result result = ServiceDefinitionFormat.read(add.get(i), "/add/" + i);
            problems.addAll(result.errors());
            if (result.service().isPresent()) {
                if (!known.add(result.service().get().id())) {
                    problems.add(new FieldError("/add/" + i + "/id", "a service " + result.service().get().id()
                            + " is already in the directory; use change to alter it"));
                } else {
                    services.add(result.service().get());
                }
            }
        }
        Set<String> after = new HashSet<>();
        services.forEach(s -> after.add(s.id()));
        providers.keySet().stream().sorted().forEach(id -> {
            if (!after.contains(id)) {
                problems.add(new FieldError("/providers/" + id, "the variant's directory has no service " + id));
            } else {
                providers.get(id).problems(false)
                        .forEach(p -> problems.add(new FieldError("/providers/" + id, p)));
            }
        });
        return new Applied(List.copyOf(services), List.copyOf(problems));
    }

    /** RFC 7386: mappings merge field by field, null removes a field, anything else replaces it. */
    static void mergePatch(ObjectNode target, ObjectNode patch) {
        Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            if (value.isNull()) {
                target.remove(field.getKey());
            } else if (value.isObject() && target.get(field.getKey()) instanceof ObjectNode existing) {
                mergePatch(existing, (ObjectNode) value);
            } else {
                target.set(field.getKey(), value.deepCopy());
            }
        }
    }
}
