package org.rightcare.hub.demo;

import java.time.Clock;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;
import org.rightcare.hub.cad.CadSystemRegistry;
import org.rightcare.hub.cad.WebhookSignature;

import io.smallrye.config.SmallRyeConfig;

/**
 * {@code POST /demo/cad-callbacks}: the demo CAD's end of the callbacks, for the demo's live traffic
 * ({@link DemoTraffic}), so its outcomes are delivered as a real CAD's would be instead of piling up as dead letters.
 * It checks the signature as a CAD must and logs what it got. Outside the demo (and dev) profile it answers 404
 * exactly as a path that does not exist.
 */
@Path("/demo/cad-callbacks")
public class DemoCadCallbackResource {

    private static final Logger LOG = Logger.getLogger(DemoCadCallbackResource.class);

    private final CadSystemRegistry cadSystems;
    private final Clock clock;
    private final boolean demoProfile;

    public DemoCadCallbackResource(CadSystemRegistry cadSystems, Clock clock) {
        this.cadSystems = cadSystems;
        this.clock = clock;
        this.demoProfile = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class).getProfiles().contains("demo");
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Demo profile only: receives the demo CAD's signed callbacks")
    public Response receive(@HeaderParam(WebhookSignature.HEADER) String signature, byte[] body) {
        if (!demoProfile) {
            throw new NotFoundException();
        }
        boolean signed = WebhookSignature.parse(signature)
                .filter(parsed -> WebhookSignature.isFresh(parsed, clock.instant()))
                .flatMap(parsed -> cadSystems.signerOf(parsed, body)).isPresent();
        if (!signed) {
            return Response.status(401).build();
        }
        LOG.debugf("Demo CAD received a callback: %s", new String(body, java.nio.charset.StandardCharsets.UTF_8));
        return Response.noContent().build();
    }
}
