public enum RADIUSPlaceholder {}
