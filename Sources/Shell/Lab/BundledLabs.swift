/// The labs shipped with the emulator: YAML files in Lab/Bundled, compiled into the binary
/// (SwiftPM `embedInCode`), listed in the order a course takes them.
public enum BundledLabs {
    public static let names = ["das-setup", "reauthenticate", "new-policy", "free-resources", "troubleshoot"]

    public static func text(_ name: String) -> String? {
        let bytes: [UInt8]
        switch name {
        case "das-setup": bytes = PackageResources.das_setup_yaml
        case "reauthenticate": bytes = PackageResources.reauthenticate_yaml
        case "new-policy": bytes = PackageResources.new_policy_yaml
        case "free-resources": bytes = PackageResources.free_resources_yaml
        case "troubleshoot": bytes = PackageResources.troubleshoot_yaml
        default: return nil
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
