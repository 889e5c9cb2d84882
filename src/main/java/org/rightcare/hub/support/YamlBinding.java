package org.rightcare.hub.support;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Reads a YAML configuration file straight into a record, for files whose shape the record says well enough (the
 * what-if scenario, the incident shape). An unknown field or a value of the wrong type is refused with its line, as
 * the directory and policy loaders refuse theirs; rules across fields stay with the caller, who has the document to
 * place them.
 */
public final class YamlBinding {

    /** The file's tree with its lines, and the record read from it. */
    public record Bound<T>(YamlDocument document, T value) {
    }

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private YamlBinding() {
    }

    /**
     * @param what what the file is, for the problem's text ("a what-if scenario")
     * @throws InvalidConfigurationException when the file cannot be read, is not YAML or does not fit the record
     */
    public static <T> Bound<T> load(String location, Class<T> type, String what) {
        YamlDocument document = YamlDocument.parse(location,
                new String(ConfigFiles.read(location), StandardCharsets.UTF_8));
        try {
            return new Bound<>(document, MAPPER.convertValue(document.root(), type));
        } catch (IllegalArgumentException e) {
            String pointer = "";
            String reason = e.getMessage();
            if (e.getCause() instanceof JsonMappingException mapping) {
                pointer = mapping.getPath().stream()
                        .map(ref -> ref.getFieldName() != null ? YamlDocument.pointerSegment(ref.getFieldName())
                                : String.valueOf(ref.getIndex()))
                        .map(segment -> "/" + segment).collect(Collectors.joining());
                reason = mapping.getOriginalMessage();
            }
            throw new InvalidConfigurationException(List.of(document.problem(pointer,
                    "not " + what + ": " + (reason == null ? "" : reason.lines().findFirst().orElse("")))));
        }
    }
}
