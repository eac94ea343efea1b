import Foundation
import RadixConfig

/// The stack file variant of `ComposeGenerator` (`generate compose --swarm`): the same services, as a
/// swarm runs them with `docker stack deploy`.
///
/// - Each scheduler runs on a manager (it needs a manager's socket: `serve --runtime swarm`), reads the
///   radixconfig.yaml from a swarm config, and makes each job a swarm service on the application's
///   network, an attachable overlay, so a job answers at `http://<job name>:<port>` from any node.
/// - Services resolve to their tasks' addresses (`endpoint_mode: dnsrr`), as the jobs do: a virtual IP
///   needs IPVS on every node and balances nothing for one replica. A public port is therefore published
///   on the node its task runs on (`mode: host`, on every address: put your load balancer in front).
/// - The schedulers publish no port: the components reach them over the overlay, and so can
///   `docker run --network <network> ...` for a terminal client.
extension ComposeGenerator {
    /// The key of the radixconfig.yaml's config in the stack file.
    static let radixConfigKey = "radixconfig"

    /// A short digest of the radixconfig.yaml's bytes (64-bit FNV-1a, hex): a config's content cannot
    /// change, so the stack names a new config whenever the file does.
    public static func configDigest(of bytes: some Sequence<UInt8>) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    static func onSwarm(scheduler: ComposeFile.Service, job: ResolvedJob) -> ComposeFile.Service {
        var service = scheduler
        service.comment = scheduler.comment.map {
            $0.replacingOccurrences(of: "starts containers", with: "starts swarm services")
        }
        if let network = service.command?.firstIndex(of: "--network") {
            service.command?.insert(contentsOf: ["--runtime", "swarm"], at: network)
        }
        service.ports = []
        service.volumes = ["${DOCKER_SOCKET:-/var/run/docker.sock}:/var/run/docker.sock"]
        service.configs = [.init(source: radixConfigKey, target: configPathInContainer)]
        service.restart = nil
        service.deploy = ComposeFile.Deploy(endpointMode: "dnsrr", constraints: ["node.role == manager"], restartCondition: "any")
        return service
    }

    static func onSwarm(component: ComposeFile.Service, _ publicPort: PortDefinition?) -> ComposeFile.Service {
        var service = component
        service.build = nil
        service.dependsOn = []
        service.restart = nil
        service.expose = []
        service.ports = []
        service.publishedPorts = publicPort.map {
            [.init(target: $0.port, published: "${\(variableName(component.name, "PORT")):-\($0.port)}")]
        } ?? []
        var deploy = ComposeFile.Deploy(endpointMode: "dnsrr", restartCondition: "any")
        deploy.cpuLimit = component.cpus
        deploy.memoryLimit = component.memLimit
        deploy.memoryReservation = component.memReservation
        service.cpus = nil
        service.memLimit = nil
        service.memReservation = nil
        service.deploy = deploy
        return service
    }

    static func stackHeader(application: RadixApplication, options: Options, network: String) -> [String] {
        let config = RelativePath.from(options.outputDirectory, to: options.configPath)
        let environment = options.environment.map { " (environment \($0))" } ?? ""
        let command = "job-scheduler generate compose --swarm" + regenerationOptions(options)
        let app = application.name
        return [
            "The Radix application \(app)\(environment) on a Docker swarm: generated from",
            "\(config) by `\(command)`.",
            "Regenerate it rather than edit it.",
            "",
            "Each job has its scheduler, a service named after the job on the job's schedulerPort, on a manager",
            "node; it makes each job a swarm service on the overlay network \(network), where the swarm",
            "places it on any node that fits and it answers at http://<job name>:<port>.",
            "",
            "The images are not built here: build them with the one-engine file (docker-compose --profile",
            "job-images build) and make them available to every node (a registry, or docker save | docker load),",
            "the scheduler's ($JOB_SCHEDULER_IMAGE, default \(options.schedulerImage)) to the managers. On a manager:",
            "",
            "  docker stack deploy -c <this file> \(app)",
            "",
            "and to remove it: the stack (its network stays while jobs use it), the jobs, which the stack does",
            "not manage, and their payloads, the network, the schedulers' records:",
            "",
            "  docker stack rm \(app)",
            "  docker service ls -q --filter label=radix-app=\(app) | xargs -r docker service rm",
            "  docker config ls -q --filter label=radix-app=\(app) | xargs -r docker config rm",
            "  docker stack rm \(app)",
            "  docker volume ls -q --filter label=radix-app=\(app) | xargs -r docker volume rm",
            "",
            "Set in the environment: JOB_SCHEDULER_IMAGE, DOCKER_SOCKET (the managers' engine socket, default",
            "/var/run/docker.sock), JOB_SCHEDULER_LOG_LEVEL, and <COMPONENT>_PORT, a public port published on",
            "the node its component runs on (default: the port in the container).",
        ]
    }
}
