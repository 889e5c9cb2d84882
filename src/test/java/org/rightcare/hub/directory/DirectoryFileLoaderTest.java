package org.rightcare.hub.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.support.InvalidConfigurationException;

/**
 * Directory files: the demo and test directories load, and a file with many mistakes is refused with every one of
 * them at its line, in the {@code file:line: reason (pointer)} form.
 */
class DirectoryFileLoaderTest {

    private static final String INVALID = "classpath:directory/invalid-directory.yaml";

    @Test
    void refusesABadFileWithEveryProblemAtItsLine() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> DirectoryFileLoader.load(INVALID));

        List<String> expected = List.of(
                "9: 'ME14 1AB' is not a postcode district (the first half of a postcode, such as ME14) "
                        + "(/services/0/catchment/postcodeDistricts/1)",
                "9: 'M' is not a postcode district (the first half of a postcode, such as ME14) "
                        + "(/services/0/catchment/postcodeDistricts/2)",
                "15: hours overlap those of /services/0/openingHours/availableTime/0 on fri "
                        + "(/services/0/openingHours/availableTime/1)",
                "20: start and end are both 09:00; for a whole day use allDay: true "
                        + "(/services/0/openingHours/availableTime/2/end)",
                "22: end 2026-12-25T00:00 must be after start 2026-12-26T00:00 "
                        + "(/services/0/openingHours/notAvailable/0/end)",
                "24: 'C1' is never referred to a community service (/services/0/eligibility/categories/0)",
                "26: age min 70 is greater than max 65 (/services/0/eligibility/age)",
                "28: 'kind' must be one of bars, fhir-rest, pull; got 'sftp' (/services/0/endpoint/kind)",
                "28: 'url' must be an absolute http or https URL; got 'sftp://example.org/in' (/services/0/endpoint/url)",
                "30: service id 'ucr-one' is already used by the entry at line 4 (/services/1/id)",
                "32: 'type' must be one of ucr, falls-response, virtual-ward-frailty, virtual-ward-ari, sdec-medical, "
                        + "sdec-surgical, gp-in-hours, gp-out-of-hours, gp-in-ed, mental-health-home-treatment, "
                        + "clinical-assessment-service; got 'urgent-response' (/services/1/type)",
                "33: 'odsCode' must be 3 to 10 upper-case letters and digits (an ODS code); got 'xw-c' "
                        + "(/services/1/organisation/odsCode)",
                "38: 'funday' must be one of mon, tue, wed, thu, fri, sat, sun "
                        + "(/services/1/openingHours/availableTime/0/daysOfWeek/1)",
                "38: 'start' must be a time HH:mm from 00:00 to 23:59; got '25:00' "
                        + "(/services/1/openingHours/availableTime/0/start)",
                "42: 'acceptanceWindowMinutes' must be 1 to 240; got 0 (/services/1/acceptanceWindowMinutes)",
                "43: 'url' must not be given: a pull endpoint's provider fetches its cases from the hub "
                        + "(/services/1/endpoint/url)",
                "44: 'catchmnet' is not a known field; expected one of acceptanceWindowMinutes, active, catchment, "
                        + "dosServiceId, eligibility, endpoint, id, name, openingHours, organisation, type "
                        + "(/services/1/catchmnet)",
                "49: organisation XWC is named 'Wealdshire Community Health NHS Trust' at line 7; one ODS code has one "
                        + "name (/services/2/organisation/name)",
                "50: 'catchment' needs at least one postcode district or area (/services/2/catchment)",
                "53: allDay: true takes no start or end; remove them, or remove allDay "
                        + "(/services/2/openingHours/availableTime/0)",
                "55: 'categories' must list at least one category, each once, such as [C3, C4, C5] "
                        + "(/services/2/eligibility/categories)",
                "57: 'news2Ceiling' must be 0 to 20; got 30 (/services/2/eligibility/news2Ceiling)",
                "59: 'url' is required for a bars or fhir-rest endpoint (/services/2/endpoint/url)");
        assertEquals(expected.stream().map(line -> INVALID + ":" + line).collect(Collectors.joining("\n")),
                e.getMessage());
    }

    @Test
    void refusesAFileThatIsNotThere() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> DirectoryFileLoader.load("/no/such/directory.yaml"));
        assertTrue(e.getMessage().startsWith("/no/such/directory.yaml:1: no such file"), e.getMessage());
    }

    @Test
    void refusesAFileWithoutServices() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> DirectoryFileLoader.parse("d.yaml", "servces:\n  - id: x\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals("d.yaml:1: 'servces' is not a known field; expected one of services (/servces)\n"
                + "d.yaml:1: 'services' is required (/services)", e.getMessage());
    }

    @Test
    void theDemoDirectoryLoadsWithEveryServiceTypeAndSomeServicesNotOpenAllTheTime() {
        DirectoryFileLoader.DirectoryFile demo = DirectoryFileLoader.load("classpath:directory/demo-directory.yaml");

        assertEquals(EnumSet.allOf(ServiceType.class), types(demo.services()));
        assertEquals(Set.of(DeliveryEndpoint.Kind.values()),
                demo.services().stream().map(s -> s.endpoint().kind()).collect(Collectors.toSet()));
        assertTrue(demo.services().stream().map(CommunityService::odsCode).distinct().count() >= 5);
        // Monday 23 November 2026 at 21:00: the in-hours GP and SDEC are closed, out of hours is open.
        Instant mondayNight = Instant.parse("2026-11-23T21:00:00Z");
        assertFalse(service(demo, "gp-in-hours-maidstone").openingHours().isOpenAt(mondayNight));
        assertFalse(service(demo, "sdec-medical-maidstone").openingHours().isOpenAt(mondayNight));
        assertTrue(service(demo, "gp-ooh-weald").openingHours().isOpenAt(mondayNight));
        // Christmas Day 2026 is a Friday: the in-hours GP is closed all day.
        assertFalse(service(demo, "gp-in-hours-maidstone").openingHours()
                .isOpenAt(Instant.parse("2026-12-25T10:00:00Z")));
        assertTrue(demo.services().stream().allMatch(s -> s.acceptanceWindow().compareTo(Duration.ofMinutes(10)) >= 0
                && s.acceptanceWindow().compareTo(Duration.ofMinutes(30)) <= 0));
    }

    @Test
    void theTestDirectoryLoadsWithEveryServiceType() {
        DirectoryFileLoader.DirectoryFile test = DirectoryFileLoader.load("classpath:directory/test-directory.yaml");

        assertEquals(EnumSet.allOf(ServiceType.class), types(test.services()));
        assertEquals(Set.of(DeliveryEndpoint.Kind.values()),
                test.services().stream().map(s -> s.endpoint().kind()).collect(Collectors.toSet()));
        OpeningHours outOfHours = service(test, "test-gp-ooh").openingHours();
        assertEquals(Set.of(DayOfWeek.values()), outOfHours.availableTimes().stream()
                .flatMap(t -> t.daysOfWeek().stream()).collect(Collectors.toSet()));
    }

    @Test
    void theReadmeExampleIsAValidDirectoryFile() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        String section = readme.substring(readme.indexOf("## Service directory"));
        int start = section.indexOf("```yaml\n") + "```yaml\n".length();
        String example = section.substring(start, section.indexOf("```\n", start));

        DirectoryFileLoader.DirectoryFile file = DirectoryFileLoader.parse("README.md",
                example.getBytes(StandardCharsets.UTF_8));

        assertEquals(List.of("ucr-maidstone"), file.services().stream().map(CommunityService::id).toList());
    }

    @Test
    void theHashChangesWithTheContentOnly() {
        byte[] content = "services: []\n".getBytes(StandardCharsets.UTF_8);
        String hash = DirectoryFileLoader.parse("a.yaml", content).sha256();
        assertEquals(hash, DirectoryFileLoader.parse("b.yaml", content).sha256());
        assertNotEquals(hash, DirectoryFileLoader.parse("a.yaml",
                "services: []  # now with a comment\n".getBytes(StandardCharsets.UTF_8)).sha256());
    }

    private static Set<ServiceType> types(List<CommunityService> services) {
        return services.stream().map(CommunityService::type).collect(Collectors.toCollection(
                () -> EnumSet.noneOf(ServiceType.class)));
    }

    private static CommunityService service(DirectoryFileLoader.DirectoryFile file, String id) {
        return file.services().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
    }
}
