package org.rightcare.hub.fhir;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.Type;
import org.hl7.fhir.utilities.xhtml.NodeType;
import org.hl7.fhir.utilities.xhtml.XhtmlNode;

/**
 * The human-readable text (narrative) of the resources a provider's system displays, generated from the resource's
 * own data once it is rendered: a heading and a table of what a clinician reads first. Status {@code generated}: it
 * says nothing the structured data does not. Plain Java rather than a template engine, so it costs nothing at start
 * and runs the same in a native executable.
 */
public final class Narratives {

    private Narratives() {
    }

    /** Adds the generated narrative to each resource of a type providers display; others are left as they are. */
    public static void generate(List<? extends org.hl7.fhir.r4.model.Resource> resources) {
        for (org.hl7.fhir.r4.model.Resource resource : resources) {
            if (resource instanceof DomainResource domain) {
                generate(domain);
            }
        }
    }

    /** Adds the generated narrative to a resource of a type providers display; others are left as they are. */
    public static void generate(DomainResource resource) {
        List<String[]> rows = new ArrayList<>();
        String heading;
        if (resource instanceof ServiceRequest request) {
            heading = "Referral" + (request.hasStatus() ? " (" + request.getStatus().toCode() + ")" : "");
            row(rows, "Category", request.getCategory().stream().map(Narratives::text)
                    .collect(Collectors.joining("; ")));
            row(rows, "Priority", request.hasPriority() ? request.getPriority().toCode() : null);
            row(rows, "Reason", request.getReasonCode().stream().map(Narratives::text)
                    .collect(Collectors.joining("; ")));
            row(rows, "Respond by", request.hasOccurrencePeriod() && request.getOccurrencePeriod().hasEnd()
                    ? request.getOccurrencePeriod().getEndElement().getValueAsString()
                    : null);
            row(rows, "Authored", request.hasAuthoredOn() ? request.getAuthoredOnElement().getValueAsString() : null);
        } else if (resource instanceof Patient patient) {
            heading = "Patient";
            row(rows, "Name", patient.getName().stream().map(HumanName::getNameAsSingleString)
                    .collect(Collectors.joining("; ")));
            row(rows, "NHS number", patient.getIdentifier().stream()
                    .filter(i -> HubIdentifiers.NHS_NUMBER.equals(i.getSystem())).map(Identifier::getValue)
                    .findFirst().orElse("not known"));
            row(rows, "Born", patient.hasBirthDate() ? patient.getBirthDateElement().getValueAsString() : null);
            row(rows, "Gender", patient.hasGender() ? patient.getGender().getDisplay() : null);
        } else if (resource instanceof Encounter encounter) {
            heading = "Encounter" + (encounter.hasStatus() ? " (" + encounter.getStatus().toCode() + ")" : "");
            row(rows, "Class", encounter.hasClass_() ? display(encounter.getClass_()) : null);
            row(rows, "Started", encounter.hasPeriod() && encounter.getPeriod().hasStart()
                    ? encounter.getPeriod().getStartElement().getValueAsString()
                    : null);
        } else if (resource instanceof Location location) {
            heading = "Incident location";
            row(rows, "Description", location.getDescription());
            row(rows, "Postcode", location.hasAddress() ? location.getAddress().getPostalCode() : null);
            row(rows, "Position", location.hasPosition() ? location.getPosition().getLatitude() + ", "
                    + location.getPosition().getLongitude() : null);
        } else if (resource instanceof Flag flag) {
            heading = "Flag" + (flag.hasStatus() ? " (" + flag.getStatus().toCode() + ")" : "");
            row(rows, "Category", flag.getCategory().stream().map(Narratives::text).collect(Collectors.joining("; ")));
            row(rows, "Flag", text(flag.getCode()));
        } else if (resource instanceof Observation observation) {
            heading = "Observation" + (observation.hasStatus() ? " (" + observation.getStatus().toCode() + ")" : "");
            row(rows, "What", text(observation.getCode()));
            row(rows, "Value", value(observation.getValue()));
            row(rows, "When", value(observation.getEffective()));
        } else if (resource instanceof Task task) {
            heading = "Offer" + (task.hasStatus() ? " (" + task.getStatus().toCode() + ")" : "");
            row(rows, "To", task.getOwner().hasDisplay() ? task.getOwner().getDisplay()
                    : task.getOwner().getIdentifier().getValue());
            row(rows, "Service", task.getPerformerType().stream().map(Narratives::text)
                    .collect(Collectors.joining("; ")));
            row(rows, "Reason", task.hasStatusReason() ? text(task.getStatusReason()) : null);
            row(rows, "Answer by", task.getRestriction().getPeriod().hasEnd()
                    ? task.getRestriction().getPeriod().getEndElement().getValueAsString()
                    : null);
        } else {
            return;
        }
        set(resource, heading, rows);
    }

    /** A heading and one paragraph: the narrative of a definition (CodeSystem, ValueSet ...). */
    public static void summary(DomainResource resource, String heading, String paragraph) {
        XhtmlNode div = headed(heading);
        div.addTag("p").addText(paragraph);
        resource.getText().setStatus(Narrative.NarrativeStatus.GENERATED).setDiv(div);
    }

    private static void set(DomainResource resource, String heading, List<String[]> rows) {
        XhtmlNode div = headed(heading);
        if (!rows.isEmpty()) {
            XhtmlNode table = div.addTag("table");
            for (String[] row : rows) {
                XhtmlNode tableRow = table.addTag("tr");
                tableRow.addTag("th").addText(row[0]);
                tableRow.addTag("td").addText(row[1]);
            }
        }
        resource.getText().setStatus(Narrative.NarrativeStatus.GENERATED).setDiv(div);
    }

    /**
     * The narrative's div with its heading, built as the node tree HAPI encodes rather than as markup for it to parse:
     * HAPI's XHTML parser builds a table of every HTML entity each time it is made, which cost more than the rest of
     * rendering a case. Text goes in as text, so the encoder escapes it.
     */
    private static XhtmlNode headed(String heading) {
        XhtmlNode div = new XhtmlNode(NodeType.Element, "div").setAttribute("xmlns", XhtmlNode.XMLNS);
        div.addTag("p").addTag("b").addText(heading);
        return div;
    }

    private static void row(List<String[]> rows, String label, String value) {
        if (value != null && !value.isBlank()) {
            rows.add(new String[] { label, value });
        }
    }

    private static String text(CodeableConcept concept) {
        if (concept == null || concept.isEmpty()) {
            return "";
        }
        if (concept.hasText()) {
            return concept.getText();
        }
        return concept.getCoding().stream().map(Narratives::display).collect(Collectors.joining(", "));
    }

    private static String display(Coding coding) {
        return coding.hasDisplay() ? coding.getDisplay() + " (" + coding.getCode() + ")" : coding.getCode();
    }

    private static String value(Type value) {
        if (value instanceof Quantity quantity && quantity.hasValue()) {
            BigDecimal number = quantity.getValue();
            return number.toPlainString() + (quantity.hasUnit() ? " " + quantity.getUnit() : "");
        }
        if (value instanceof Period period) {
            return (period.hasStart() ? period.getStartElement().getValueAsString() : "") + " to "
                    + (period.hasEnd() ? period.getEndElement().getValueAsString() : "");
        }
        return value == null || !value.isPrimitive() ? null : value.primitiveValue();
    }
}
