import DockerEngine
import Foundation

/// What a pooled container needs to become a job, and the labels and paths that tell pooled containers
/// apart: decisions only, no engine calls.
enum WarmClaim {
    /// On a pooled container: the name it was made with. A claimed one has been renamed to its job's
    /// name; one still named so is waiting, and is no job.
    static let memberLabel = "radix-warm-member"
    /// On a claim's record (a volume with the job's labels): the container claimed, and when.
    static let containerLabel = "radix-warm-container"
    static let claimedAtLabel = "radix-warm-claimed-at"
    /// The waiter's folder in the container, and the files it leaves there.
    static let folder = "/.radix-warm"
    static let waiterPath = folder + "/waiter"
    static let claimPath = folder + "/claim"
    static let startedPath = folder + "/started"
    /// The byte that tells the waiter to run the job.
    static let go: [UInt8] = [UInt8(ascii: "G")]

    static func recordName(for job: String) -> String { job + "-warm-claim" }

    /// A new member's name: never a job's (job names carry a 14-digit time).
    static func newMemberName(for job: String) -> String {
        var generator = SystemRandomNumberGenerator()
        return "\(job)-warm-" + String((0..<12).map { _ in JobNaming.alphabet.randomElement(using: &generator)! })
    }

    /// The job a pooled container now is, by its current name and labels: nil for a waiting member,
    /// or for anything not pooled.
    static func claimedName(current name: String, labels: [String: String]) -> String? {
        guard let member = labels[memberLabel], member != name else { return nil }
        return name
    }

    /// The command a job runs, as the engine would make it from the launch and the image: the
    /// launch's command replaces the image's entrypoint (and then the image's CMD is not used), its
    /// args replace the CMD.
    static func arguments(for launch: JobLaunch, image: ImageDetails) -> [String] {
        let entrypoint = launch.command ?? image.entrypoint ?? []
        let command = launch.args ?? (launch.command == nil ? image.command ?? [] : [])
        return entrypoint + command
    }

    /// The claim as the waiter reads it: NUL-terminated fields (argc, argv, envc, env, payload path,
    /// payload size), then the payload's bytes.
    static func message(arguments: [String], environment: [String], payload: PayloadFile?) -> [UInt8] {
        var fields = [String(arguments.count)] + arguments + [String(environment.count)] + environment
        if let payload {
            let folder = payload.directory.hasSuffix("/") ? String(payload.directory.dropLast()) : payload.directory
            fields += [folder + "/payload", String(payload.bytes.count)]
        } else {
            fields += ["", "0"]
        }
        var bytes: [UInt8] = []
        for field in fields { bytes += Array(field.utf8) + [0] }
        return bytes + (payload?.bytes ?? [])
    }

    /// CPU and memory bounds a claimed container is given before its claim (nil: as made).
    struct ResourceChange: Equatable {
        var nanoCPUs: Int64?
        var cpuShares: Int64?
        var memoryBytes: Int64?
        var memoryReservationBytes: Int64?
    }

    /// How a launch can take a pooled container made from `template`: nil when it cannot (something
    /// fixed when a container is made differs: it takes the cold path); else the bounds the engine
    /// must change first, if any. A bound the launch drops cannot be taken away from a running container.
    static func fit(_ launch: JobLaunch, template: JobLaunch) -> ResourceChange?? {
        guard fits(launch, template: template) else { return nil }
        func changed(_ wanted: Int64?, _ made: Int64?) -> (ok: Bool, value: Int64?) {
            if wanted == made { return (true, nil) }
            return (wanted != nil, wanted)
        }
        let bounds = [changed(launch.nanoCPUs, template.nanoCPUs), changed(launch.cpuShares, template.cpuShares),
                      changed(launch.memoryBytes, template.memoryBytes), changed(launch.memoryReservationBytes, template.memoryReservationBytes)]
        guard bounds.allSatisfy(\.ok) else { return nil }
        let change = ResourceChange(nanoCPUs: bounds[0].value, cpuShares: bounds[1].value, memoryBytes: bounds[2].value,
                                    memoryReservationBytes: bounds[3].value)
        return .some(change == ResourceChange() ? nil : change)
    }

    /// Whether everything but the CPU and memory bounds is as the members were made.
    private static func fits(_ launch: JobLaunch, template: JobLaunch) -> Bool {
        launch.image == template.image && launch.user == template.user && launch.network == template.network
            && launch.exposedPorts == template.exposedPorts && !launch.readOnlyRootFilesystem
            && launch.nodeType == nil && launch.architecture == nil && launch.gpus == nil
            && (launch.payload == nil || launch.payload?.directory == template.payload?.directory)
            && !launch.processEnvironment.contains { $0.utf8.contains(0) } && !(launch.command ?? []).contains { $0.utf8.contains(0) }
            && !(launch.args ?? []).contains { $0.utf8.contains(0) }
    }

    /// The numeric user a member runs as (the launch's, else the image's), 0 for root; nil for a
    /// user given by name, which the scheduler cannot give the payload's folder to.
    static func userID(launchUser: String?, imageUser: String) -> Int? {
        let user = (launchUser ?? imageUser).split(separator: ":", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        if user.isEmpty || user == "root" { return 0 }
        return Int(user)
    }

    /// What goes into a member before it starts: the waiter, its folder (open to the job's user), and
    /// the payload's folder, owned by the job's user so the waiter can write the payload there.
    static func memberArchive(payloadDirectory: String?, userID: Int, waiter: [UInt8]) throws -> [UInt8] {
        var archive = TarArchive()
        try archive.addDirectory(String(folder.dropFirst()), mode: 0o755, uid: userID)
        try archive.addFile(String(waiterPath.dropFirst()), contents: waiter, mode: 0o755)
        if let payloadDirectory {
            var path = ""
            for component in payloadDirectory.split(separator: "/") {
                path += (path.isEmpty ? "" : "/") + component
                try archive.addDirectory(path, mode: 0o755, uid: userID)
            }
        }
        return archive.finished()
    }
}
