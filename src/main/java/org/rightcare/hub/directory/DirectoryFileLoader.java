package org.rightcare.hub.directory;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.rightcare.hub.support.ConfigFiles;
import org.rightcare.hub.support.ConfigProblem;
import org.rightcare.hub.support.DocumentSchema;
import org.rightcare.hub.support.FieldError;
import org.rightcare.hub.support.InvalidConfigurationException;
import org.rightcare.hub.support.YamlDocument;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads and checks a directory file. The file is YAML with one top-level key, {@code services}, a list of service
 * definitions in the shape {@link ServiceDefinitionFormat} describes, as the directory's JSON Schema says
 * ({@code directory-v1.schema.json}). Every problem in the file is reported at once with its line, so an ICB engineer
 * can fix the file in one pass; nothing is applied from a file with any problem.
 */
public final class DirectoryFileLoader {

    private static final DocumentSchema FILE = DocumentSchema.load(ServiceDefinitionFormat.SCHEMA, true);

    private DirectoryFileLoader() {
    }

    /** A valid directory file: its services, and the hash that tells whether it was applied already. */
    public record DirectoryFile(String location, String sha256, List<CommunityService> services) {
    }

    /**
     * @param location a filesystem path, or {@code classpath:} and a resource name
     * @throws InvalidConfigurationException when the file cannot be read or breaks any rule
     */
    public static DirectoryFile load(String location) {
        return parse(location, ConfigFiles.read(location));
    }

    public static DirectoryFile parse(String location, byte[] content) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidConfigurationException(List.of(
                    new ConfigProblem(location, 1, "", "the file is not UTF-8 text")));
        }
        YamlDocument document = YamlDocument.parse(location, text);
        List<FieldError> errors = new ArrayList<>(FILE.check(document.root()));
        JsonNode passed = DocumentSchema.passed(document.root(), errors);
        List<CommunityService> services = new ArrayList<>();
        JsonNode entries = passed.path("services");
        for (int i = 0; i < entries.size(); i++) {
            String at = "/services/" + i;
            List<FieldError> entryErrors = new ArrayList<>();
            errors.stream().filter(e -> e.pointer().equals(at) || e.pointer().startsWith(at + "/"))
                    .map(e -> new FieldError(e.pointer().substring(at.length()), e.detail())).forEach(entryErrors::add);
            int found = entryErrors.size();
            ServiceDefinitionFormat.Result result = ServiceDefinitionFormat.checked(entries.get(i), at, entryErrors);
            result.errors().stream().skip(found).map(e -> new FieldError(at + e.pointer(), e.detail()))
                    .forEach(errors::add);
            result.service().ifPresent(services::add);
        }
        List<ConfigProblem> problems = new ArrayList<>(document.locate(errors));
        if (entries.isArray()) {
            problems.addAll(acrossEntries(document, entries));
        }
        if (!problems.isEmpty()) {
            problems.sort(Comparator.comparingInt(ConfigProblem::line));
            throw new InvalidConfigurationException(problems);
        }
        return new DirectoryFile(location, sha256(content), List.copyOf(services));
    }

    /**
     * Rules no single entry can break alone: ids and DoS ids are unique, and an organisation (ODS code) has one name,
     * because it is rendered as one FHIR Organization.
     */
    private static List<ConfigProblem> acrossEntries(YamlDocument document, JsonNode entries) {
        List<ConfigProblem> problems = new ArrayList<>();
        Map<String, String> ids = new HashMap<>();
        Map<String, String> dosIds = new HashMap<>();
        Map<String, String> organisationNames = new HashMap<>();
        Map<String, String> organisationPointers = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            JsonNode entry = entries.get(i);
            String at = "/services/" + i;
            if (!entry.isObject()) {
                continue;
            }
            String id = entry.path("id").asText(null);
            if (id != null) {
                String first = ids.putIfAbsent(id, at + "/id");
                if (first != null) {
                    problems.add(document.problem(at + "/id", "service id '" + id
                            + "' is already used by the entry at line " + document.lineOf(first)));
                }
            }
            String dosId = entry.path("dosServiceId").asText(null);
            if (dosId != null) {
                String first = dosIds.putIfAbsent(dosId, at + "/dosServiceId");
                if (first != null) {
                    problems.add(document.problem(at + "/dosServiceId", "DoS service id " + dosId
                            + " is already used by the entry at line " + document.lineOf(first)));
                }
            }
            String odsCode = entry.path("organisation").path("odsCode").asText(null);
            String name = entry.path("organisation").path("name").asText(null);
            if (odsCode != null && name != null) {
                String known = organisationNames.putIfAbsent(odsCode, name);
                organisationPointers.putIfAbsent(odsCode, at + "/organisation/name");
                if (known != null && !known.equals(name)) {
                    problems.add(document.problem(at + "/organisation/name", "organisation " + odsCode + " is named '"
                            + known + "' at line " + document.lineOf(organisationPointers.get(odsCode))
                            + "; one ODS code has one name"));
                }
            }
        }
        return problems;
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
