package org.rightcare.hub.fhir;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Date;
import java.util.Locale;
import java.util.Optional;
import java.util.TimeZone;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Duration;
import org.hl7.fhir.r4.model.Endpoint;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.UnsignedIntType;
import org.rightcare.hub.directory.Capacity;
import org.rightcare.hub.directory.Catchment;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.DeliveryEndpoint;
import org.rightcare.hub.directory.OpeningHours;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.support.WallClock;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;

/**
 * Renders the service directory as FHIR R4: each service as a HealthcareService (with its catchment as contained
 * Locations, its hours as availableTime and notAvailable, and its live capacity), the organisation running it as an
 * Organization, and where offers are delivered as an Endpoint. Ids: {@code HealthcareService/{serviceId}},
 * {@code Organization/{odsCode}}, {@code Endpoint/{serviceId}} (none for a service that pulls its cases). Like
 * {@link ReferralRenderer}, it has no state: everything comes from the arguments.
 */
@ApplicationScoped
public class DirectoryRenderer {

    static final String EXTENSION_BASE = "https://fhir.rightcare-hub.org/StructureDefinition/";
    public static final String ACCEPTANCE_WINDOW = EXTENSION_BASE + "acceptance-window";
    public static final String REFERRAL_DELIVERY = EXTENSION_BASE + "referral-delivery";
    public static final String SERVICE_CAPACITY = EXTENSION_BASE + "service-capacity";
    public static final String COVERAGE_RADIUS = EXTENSION_BASE + "coverage-radius";
    /** The core FHIR extension for an area's outline. */
    public static final String BOUNDARY_GEOJSON = "http://hl7.org/fhir/StructureDefinition/location-boundary-geojson";

    static final String CONNECTION_TYPE = "http://terminology.hl7.org/CodeSystem/endpoint-connection-type";
    static final String PAYLOAD_TYPE = "http://terminology.hl7.org/CodeSystem/endpoint-payload-type";
    static final String LOCATION_PHYSICAL_TYPE = "http://terminology.hl7.org/CodeSystem/location-physical-type";
    static final String UCUM = "http://unitsofmeasure.org";

    private static final TimeZone LONDON = TimeZone.getTimeZone(WallClock.ZONE);
    private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

    public HealthcareService healthcareService(CommunityService service, Capacity capacity) {
        HealthcareService resource = new HealthcareService();
        resource.setId(service.id());
        if (service.dosServiceId() != null) {
            resource.addIdentifier().setSystem(HubIdentifiers.DOS_SERVICE_ID).setValue(service.dosServiceId());
        }
        resource.setActive(service.active());
        resource.setProvidedBy(organisationReference(service));
        resource.addType(new CodeableConcept(new Coding(ServiceType.SYSTEM,
                service.type().code(), service.type().display())));
        resource.setName(service.name());
        coverage(resource, service.catchment());
        resource.addEligibility()
                .setCode(new CodeableConcept().setText("Ambulance service referrals"))
                .setComment(service.eligibility().describe());
        hours(resource, service.openingHours());
        resource.setAvailabilityExceptions("Times are Europe/London; where an end time is not after the start time "
                + "the service is open until then the next day. Capacity now: " + describe(capacity) + ".");
        if (service.endpoint().kind() != DeliveryEndpoint.Kind.PULL) {
            resource.addEndpoint(new Reference("Endpoint/" + service.id()));
        }
        resource.addExtension(new Extension(REFERRAL_DELIVERY, new CodeType(service.endpoint().kind().code())));
        resource.addExtension(new Extension(ACCEPTANCE_WINDOW, (Duration) new Duration()
                .setValue(service.acceptanceWindow().toMinutes()).setUnit("min").setSystem(UCUM).setCode("min")));
        resource.addExtension(capacityExtension(capacity));
        return resource;
    }

    public Organization organization(String odsCode, String name) {
        Organization organization = new Organization();
        organization.setId(odsCode);
        organization.addIdentifier().setSystem(HubIdentifiers.ODS_ORGANIZATION_CODE).setValue(odsCode);
        organization.setActive(true);
        organization.setName(name);
        return organization;
    }

    /** Empty for a service that pulls its cases: there is nowhere to deliver to. */
    public Optional<Endpoint> endpoint(CommunityService service) {
        DeliveryEndpoint delivery = service.endpoint();
        if (delivery.kind() == DeliveryEndpoint.Kind.PULL) {
            return Optional.empty();
        }
        boolean bars = delivery.kind() == DeliveryEndpoint.Kind.BARS;
        Endpoint endpoint = new Endpoint();
        endpoint.setId(service.id());
        endpoint.setStatus(service.active() ? Endpoint.EndpointStatus.ACTIVE : Endpoint.EndpointStatus.OFF);
        // BaRS sends FHIR messages ($process-message); a FHIR REST endpoint takes resources by RESTful create.
        endpoint.setConnectionType(bars ? new Coding(CONNECTION_TYPE, "hl7-fhir-msg", "HL7 FHIR Messaging")
                : new Coding(CONNECTION_TYPE, "hl7-fhir-rest", "HL7 FHIR"));
        endpoint.setName((bars ? "BaRS" : "FHIR REST") + " endpoint of " + service.name());
        endpoint.setManagingOrganization(organisationReference(service));
        endpoint.addPayloadType(new CodeableConcept(new Coding(PAYLOAD_TYPE, "any", "Any"))
                .setText(bars ? "BaRS application 4 referral messages" : "ServiceRequest and Task resources"));
        endpoint.addPayloadMimeType("application/fhir+json");
        endpoint.setAddress(delivery.url().toString());
        return Optional.of(endpoint);
    }

    /**
     * The catchment as contained Locations that the service's coverageArea points at: one per postcode district
     * (its address is the district) and one per area (a circle as its centre and radius, a polygon as GeoJSON).
     */
    private static void coverage(HealthcareService resource, Catchment catchment) {
        for (String district : catchment.postcodeDistricts()) {
            Location location = area("district-" + district, "Postcode district " + district);
            location.getAddress().setPostalCode(district).setCountry("GB");
            contain(resource, location);
        }
        int index = 0;
        for (Catchment.Area area : catchment.areas()) {
            Location location = area("area-" + index++, area.name());
            if (area instanceof Catchment.Circle circle) {
                location.setDescription(area.name() + ": within " + trim(circle.radiusKm()) + " km of "
                        + circle.centre().latitude() + ", " + circle.centre().longitude());
                location.getPosition().setLatitude(circle.centre().latitude())
                        .setLongitude(circle.centre().longitude());
                location.addExtension(new Extension(COVERAGE_RADIUS, new Quantity().setValue(circle.radiusKm())
                        .setUnit("km").setSystem(UCUM).setCode("km")));
            } else if (area instanceof Catchment.Polygon polygon) {
                location.setDescription(area.name() + ": a polygon of " + polygon.corners().size() + " corners");
                location.addExtension(new Extension(BOUNDARY_GEOJSON, new Attachment()
                        .setContentType("application/geo+json")
                        .setData(geoJson(polygon).getBytes(StandardCharsets.UTF_8))));
            }
            contain(resource, location);
        }
    }

    private static Location area(String id, String name) {
        Location location = new Location();
        location.setId(id);
        location.setStatus(Location.LocationStatus.ACTIVE);
        location.setMode(Location.LocationMode.KIND);
        location.setName(name);
        location.setPhysicalType(new CodeableConcept(new Coding(LOCATION_PHYSICAL_TYPE, "area", "Area")));
        return location;
    }

    private static void contain(HealthcareService resource, Location location) {
        resource.addContained(location);
        resource.addCoverageArea(new Reference("#" + location.getIdElement().getIdPart()));
    }

    /** GeoJSON (RFC 7946) orders a position as longitude, latitude, and closes a ring on its first position. */
    static String geoJson(Catchment.Polygon polygon) {
        String ring = Stream.concat(polygon.corners().stream(), polygon.corners().stream().limit(1))
                .map(c -> "[" + c.longitude() + "," + c.latitude() + "]")
                .collect(Collectors.joining(","));
        return "{\"type\":\"Polygon\",\"coordinates\":[[" + ring + "]]}";
    }

    private static void hours(HealthcareService resource, OpeningHours hours) {
        for (OpeningHours.AvailableTime time : hours.availableTimes()) {
            HealthcareService.HealthcareServiceAvailableTimeComponent available = resource.addAvailableTime();
            time.daysOfWeek().stream().sorted().forEach(day -> available.addDaysOfWeek(
                    HealthcareService.DaysOfWeek.fromCode(day.name().substring(0, 3).toLowerCase(Locale.ROOT))));
            if (time.allDay()) {
                available.setAllDay(true);
            } else {
                available.setAvailableStartTime(fhirTime(time.start()));
                available.setAvailableEndTime(fhirTime(time.end()));
            }
        }
        for (OpeningHours.NotAvailable closure : hours.notAvailable()) {
            resource.addNotAvailable()
                    .setDescription(closure.description())
                    .setDuring(new Period().setStartElement(local(closure.start()))
                            .setEndElement(local(closure.end())));
        }
    }

    /** FHIR time is HH:mm:ss. */
    private static String fhirTime(LocalTime time) {
        return time.getSecond() == 0 ? time + ":00" : time.toString();
    }

    /** A closure's local time, written with its UK offset so it reads as the engineer wrote it. */
    private static DateTimeType local(LocalDateTime time) {
        return new DateTimeType(Date.from(time.atZone(WallClock.ZONE).toInstant()), TemporalPrecisionEnum.SECOND,
                LONDON);
    }

    private static Extension capacityExtension(Capacity capacity) {
        Extension extension = new Extension(SERVICE_CAPACITY);
        extension.addExtension(new Extension("rag", new CodeType(capacity.rag().name())));
        if (capacity.places() != null) {
            extension.addExtension(new Extension("places", new UnsignedIntType(capacity.places())));
        }
        if (capacity.updatedAt() != null) {
            extension.addExtension(new Extension("updated", dateTime(capacity.updatedAt())));
        }
        return extension;
    }

    private static String describe(Capacity capacity) {
        StringBuilder text = new StringBuilder(capacity.rag().name());
        if (capacity.places() != null) {
            text.append(", ").append(capacity.places()).append(capacity.places() == 1 ? " place" : " places");
        }
        if (capacity.updatedAt() != null) {
            text.append(" (updated ").append(capacity.updatedAt()).append(")");
        } else {
            text.append(" (never reported)");
        }
        return text.toString();
    }

    private static Reference organisationReference(CommunityService service) {
        return new Reference("Organization/" + service.odsCode()).setDisplay(service.organisationName());
    }

    private static DateTimeType dateTime(Instant instant) {
        return new DateTimeType(Date.from(instant), TemporalPrecisionEnum.SECOND, UTC);
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
