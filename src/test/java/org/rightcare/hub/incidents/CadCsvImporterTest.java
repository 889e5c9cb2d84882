package org.rightcare.hub.incidents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.referral.ArpCategory;
import org.rightcare.hub.referral.DispatchState;

/** An ICB's anonymised CAD export is read as documented, and a malformed one is refused with each line and reason. */
class CadCsvImporterTest {

    static final String HEADER = "time,category,complaint_code,age,postcode_district,dispatch_state,outcome,news2\n";

    static List<ReplayableIncident> read(String csv) {
        return CadCsvImporter.read(csv.getBytes(StandardCharsets.UTF_8));
    }

    static List<CadCsvImporter.CsvProblem> problems(String csv) {
        return assertThrows(CadCsvImporter.CadCsvRejectedException.class, () -> read(csv)).problems();
    }

    @Test
    void readsEachDocumentedColumnInArrivalOrder() {
        List<ReplayableIncident> incidents = read(HEADER
                + "2026-11-16T09:30,C3,1912002,84,me14,on-scene,conveyed,2\n"
                + "2026-11-16T08:15:00Z,C4,\"68566005\",,CT1,clinical-queue,hear-and-treat,\n");

        assertEquals(2, incidents.size());
        ReplayableIncident first = incidents.get(0);
        assertEquals(Instant.parse("2026-11-16T08:15:00Z"), first.incident().receivedAt());
        assertEquals(ArpCategory.C4, first.incident().category());
        assertEquals(null, first.incident().patient().estimatedAge());
        assertEquals(null, first.incident().clinical().news2());
        assertEquals(0.0, first.conveyanceLikelihood());
        ReplayableIncident second = incidents.get(1);
        assertEquals(Instant.parse("2026-11-16T09:30:00Z"), second.incident().receivedAt(), "London wall clock (GMT)");
        assertEquals("ME14", second.incident().location().postcode());
        assertEquals(DispatchState.ON_SCENE, second.incident().dispatchState());
        assertEquals("1912002", second.incident().presentingComplaint().code());
        assertEquals(84, second.incident().patient().estimatedAge());
        assertEquals(2, second.incident().clinical().news2());
        assertEquals(1.0, second.conveyanceLikelihood());
    }

    @Test
    void refusesAMalformedFileWithEveryLineAndReason() {
        List<CadCsvImporter.CsvProblem> problems = problems(HEADER
                + "2026-11-16T09:30,C3,1912002,84,ME14,on-scene,conveyed,2\n"
                + "yesterday,C9,1912002,84,ME14,on-scene,conveyed,2\n"
                + "2026-11-16T10:00,C3,fall,140,ME14 1AB,somewhere,taken,2\n"
                + "2026-11-16T11:00,C3,1912002,84,ME14\n");

        assertEquals(List.of(
                new CadCsvImporter.CsvProblem(3,
                        "time 'yesterday' is not a date-time such as 2026-11-16T08:15:00Z or 2026-11-16T08:15"),
                new CadCsvImporter.CsvProblem(3, "category 'C9' is not an ARP category"),
                new CadCsvImporter.CsvProblem(4, "complaint_code 'fall' is not a SNOMED CT concept id (6-18 digits)"),
                new CadCsvImporter.CsvProblem(4, "age 140 is outside 0-130"),
                new CadCsvImporter.CsvProblem(4, "postcode_district 'ME14 1AB' is not a postcode district such as ME14"),
                new CadCsvImporter.CsvProblem(4, "dispatch_state 'somewhere' is not a dispatch state"),
                new CadCsvImporter.CsvProblem(4,
                        "outcome 'taken' is not one of cancelled, conveyed, hear-and-treat, see-and-refer, see-and-treat"),
                new CadCsvImporter.CsvProblem(5, "has 5 fields; the header has 8")), problems);
    }

    @Test
    void refusesAHeaderWithoutTheDocumentedColumns() {
        assertEquals(List.of(new CadCsvImporter.CsvProblem(1, "unknown column 'when'; the columns are time, category, "
                + "complaint_code, age, postcode_district, dispatch_state, outcome and optionally news2, clinical_frailty_scale"),
                new CadCsvImporter.CsvProblem(1, "the header has no 'time' column")),
                problems("when,category,complaint_code,age,postcode_district,dispatch_state,outcome\n"));
        assertEquals(List.of(new CadCsvImporter.CsvProblem(2, "the file has a header but no incidents")),
                problems(HEADER));
        assertEquals(List.of(new CadCsvImporter.CsvProblem(2, "a quoted field is not closed")),
                problems(HEADER + "\"2026-11-16T09:30,C3,1912002,84,ME14,on-scene,conveyed,2\n"));
    }
}
