package org.rightcare.hub.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.support.FieldError;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The one service definition shape: what is written reads back the same, and JSON bodies get the file's rules. */
class ServiceDefinitionFormatTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyDemoServiceReadsBackAsItWasWritten() {
        for (CommunityService service : DirectoryFileLoader.load("classpath:directory/demo-directory.yaml").services()) {
            ObjectNode written = ServiceDefinitionFormat.write(service);
            ServiceDefinitionFormat.Result read = ServiceDefinitionFormat.read(written, "");
            assertEquals(List.of(), read.errors(), service.id());
            assertEquals(service, read.service().orElseThrow());
            assertEquals(written, ServiceDefinitionFormat.write(read.service().orElseThrow()));
        }
    }

    @Test
    void aJsonBodyIsCheckedByTheSameRulesWithPointersIntoTheBody() throws Exception {
        ServiceDefinitionFormat.Result result = ServiceDefinitionFormat.read(JSON.readTree("""
                {"id": "x1", "name": "", "type": "ucr", "organisation": {"odsCode": "XWC", "name": "Trust"},
                 "catchment": {"postcodeDistricts": ["ME14"]},
                 "openingHours": {"availableTime": [{"daysOfWeek": ["mon"], "allDay": "yes"}]},
                 "eligibility": {"categories": ["C3"], "dispatchPhases": ["pre-dispatch"], "age": {"min": "18"}},
                 "acceptanceWindowMinutes": 15.5, "endpoint": {"kind": "fhir-rest", "url": "/relative"}}
                """), "");
        assertTrue(result.service().isEmpty());
        assertEquals(List.of(
                new FieldError("/name", "'name' must not be blank"),
                new FieldError("/openingHours/availableTime/0/allDay", "'allDay' must be true or false; got 'yes'"),
                new FieldError("/openingHours/availableTime/0", "give start and end (HH:mm), or allDay: true"),
                new FieldError("/eligibility/age/min", "'min' must be a whole number; got '18'"),
                new FieldError("/acceptanceWindowMinutes", "'acceptanceWindowMinutes' must be a whole number; got 15.5"),
                new FieldError("/endpoint/url", "'url' must be an absolute http or https URL; got '/relative'")),
                result.errors());
    }
}
