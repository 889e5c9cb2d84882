package org.rightcare.hub.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.validation.FhirValidator;

/**
 * The HL7 validator engine (HAPI's {@link FhirInstanceValidator}) as NHS assurance and provider systems run it: R4
 * core, UK Core 2.0.0 and BaRS 1.35.0 from the shared reference folder, the project's own profiles and code systems
 * from {@code fhir-profiles/}, in-memory terminology and no terminology server. Built once per JVM (it takes seconds
 * and hundreds of MB) and shared by every test that validates what the hub emits.
 *
 * <p>
 * The reference folder ({@code shared/reference}) is looked for beside the checkout and above it (a worktree sits a
 * level deeper than a clone), or where {@code -Drightcare.reference} says; a user's clone without it skips these
 * tests ({@link #available()}).
 */
public final class ConformanceValidator {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static FhirValidator validator;

    private ConformanceValidator() {
    }

    /** The NHS packages' folder, if it is beside the checkout (or above it). */
    public static Optional<Path> reference() {
        String configured = System.getProperty("rightcare.reference");
        if (configured != null) {
            return Optional.of(Path.of(configured)).filter(Files::isDirectory);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("reference");
            if (Files.isDirectory(candidate.resolve("bars-simplifier")) && Files.isDirectory(candidate.resolve("ukcore"))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    public static boolean available() {
        return reference().isPresent();
    }

    /** The validator, built on first use. */
    public static synchronized FhirValidator validator() {
        if (validator == null) {
            Path reference = reference().orElseThrow(() -> new IllegalStateException(
                    "shared/reference (the BaRS and UK Core packages) is not beside the checkout"));
            PrePopulatedValidationSupport packages = new PrePopulatedValidationSupport(FHIR);
            IParser xml = FHIR.newXmlParser();
            IParser json = FHIR.newJsonParser();
            try (Stream<Path> nhs = Stream.concat(
                    Files.walk(reference.resolve("bars-simplifier/NHSBookingandReferrals/backup")),
                    Files.walk(reference.resolve("ukcore"))); Stream<Path> own = Files.walk(Path.of("fhir-profiles"))) {
                // Definitions only: the packages' examples are not needed to validate, and parsing them is slow.
                List<Path> files = Stream.concat(nhs, own)
                        .filter(f -> f.toString().endsWith(".xml") || f.toString().endsWith(".json"))
                        .filter(f -> !f.toString().toLowerCase(Locale.ROOT).contains("example")).toList();
                for (Path file : files) {
                    IBaseResource resource;
                    try (InputStream in = Files.newInputStream(file)) {
                        resource = (file.toString().endsWith(".xml") ? xml : json).parseResource(in);
                    } catch (RuntimeException notARootResource) {
                        continue;
                    }
                    if (resource instanceof StructureDefinition definition) {
                        packages.addStructureDefinition(definition);
                    } else if (resource instanceof CodeSystem codeSystem) {
                        packages.addCodeSystem(codeSystem);
                    } else if (resource instanceof ValueSet valueSet) {
                        packages.addValueSet(valueSet);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ValidationSupportChain chain = new ValidationSupportChain(
                    new DefaultProfileValidationSupport(FHIR),
                    packages,
                    new SnapshotGeneratingValidationSupport(FHIR),
                    new InMemoryTerminologyServerValidationSupport(FHIR),
                    new CommonCodeSystemsTerminologyService(FHIR));
            validator = FHIR.newValidator().registerValidatorModule(new FhirInstanceValidator(chain));
        }
        return validator;
    }
}
