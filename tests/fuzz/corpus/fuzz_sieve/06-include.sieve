require ["include"];
include :global "common";
include :global :once :optional "missing";
