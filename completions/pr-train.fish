function __pr-train_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __pr-train_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __pr-train_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __pr-train_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __pr-train_parse_tokens -S
    set -l unparsed_tokens (__pr-train_tokens -pc)
    switch $unparsed_tokens[1]
    case 'pr-train'
        __pr-train_parse_subcommand 1 'o/output=' 'model=' 'layers=' 'hidden=' 'epochs=' 'batch-size=' 'lr=' 'weight-decay=' 'patience=' 'loss=' 'dropout=' 'fanout=' 'neighbors=' 'seed=' 'threads=' 'log-json' 'q/quiet' 'v/verbose' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'help'
            __pr-train_parse_subcommand -r 1 'version'
        end
    end
end

function __pr-train_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __pr-train_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __pr-train_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __pr-train_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__pr-train_tokens -p)
    if test -z "$(__pr-train_tokens -t)"
        set -l index (count (__pr-train_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'pr-train' -f
complete -c 'pr-train' -n '__pr-train_should_offer_completions_for_positional "pr-train" -eq 1' -fa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'prg\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'pr-train' -n '__pr-train_should_offer_completions_for_flags_or_options "pr-train" o output' -l 'output' -s 'o' -d 'The weights file to write.' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'prw\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'pr-train' -n '__pr-train_should_offer_completions_for_flags_or_options "pr-train" model' -l 'model' -d 'The model to train (default: anchored, or gmt on a multi-turn graph).' -rfka 'anchored personalized graphrouter mlp knn mf gmt gmt-paper table ridge'
complete -c 'pr-train' -n '__pr-train_should_offer_completions_for_flags_or_options "pr-train" layers' -l 'layers' -d 'Message-passing layers (0 to 5; default 2, 3 for gmt and gmt-paper).' -rfka ''
complete -c 'pr-train' -n '__pr-train_should_offer_completions_for_flags_or_options "pr-train" hidden' -l 'hidden' -d 'Hidden width (1...4096).' -rfka ''
complete -c 'pr-train' -n '__pr-train_should_offer_completions_for_flags_or_options "pr-train" epochs' -l 'epochs' -d 'Maximum epochs.' -rfka ''
complete -c 'pr-train' -n '__pr-train_should_offer_completions_for_flags_or_options "pr-train" batch-size' -l 'batch-size' -d 'Query nodes (gmt: turns) per batch (default 32; on more than 8,192 training units, enough for 256 steps per epoch; gmt: enough for 32 steps per epoch).' -rfka ''
complete -c 'pr-train' -n '__pr-train_should_offer_completions_for_flags_or_options "pr-train" lr' -l 'lr' -d 'Initial learning rate (decays linearly to 0).' -rfka ''
complete -c 'pr-train' -n '__pr-train_should_offer_completions_for_flags_or_options "pr-train" weight-decay' -l 'weight-decay' -d 'L2 weight decay.' -rfka ''
complete -c 'pr-train' -n '__pr-train_should_offer_completions_for_flags_or_options "pr-train" patience' -l 'patience' -d 'Stop after this many epochs without a better validation figure (default 40 at batches of 32; with larger automatic batches, 40 x 32 / batch size, at least 3; gmt: as many as see 20,480 training turns, 3 to 40).' -rfka ''
complete -c 'pr-train' -n '__pr-train_should_offer_completions_for_flags_or_options "pr-train" loss' -l 'loss' -d 'softmax (cross-entropy over each query\'s candidates) or bce (per edge).' -rfka 'softmax bce'
complete -c 'pr-train' -n '__pr-train_should_offer_completions_for_flags_or_options "pr-train" dropout' -l 'dropout' -d 'Dropout rate.' -rfka ''
complete -c 'pr-train' -n '__pr-train_should_offer_completions_for_flags_or_options "pr-train" fanout' -l 'fanout' -d 'Neighbors sampled per node and relation while training.' -rfka ''
complete -c 'pr-train' -n '__pr-train_should_offer_completions_for_flags_or_options "pr-train" neighbors' -l 'neighbors' -d 'Training queries that vote in the knn baseline.' -rfka ''
complete -c 'pr-train' -n '__pr-train_should_offer_completions_for_flags_or_options "pr-train" seed' -l 'seed' -d 'Seed for initialization, batching, sampling and dropout.' -rfka ''
complete -c 'pr-train' -n '__pr-train_should_offer_completions_for_flags_or_options "pr-train" threads' -l 'threads' -d 'OpenBLAS threads (results are byte-identical for the same count).' -rfka ''
complete -c 'pr-train' -n '__pr-train_should_offer_completions_for_flags_or_options "pr-train" log-json' -l 'log-json' -d 'One JSON line per epoch on stderr.'
complete -c 'pr-train' -n '__pr-train_should_offer_completions_for_flags_or_options "pr-train" q quiet' -l 'quiet' -s 'q' -d 'No progress output (warnings and errors still print).'
complete -c 'pr-train' -n '__pr-train_should_offer_completions_for_flags_or_options "pr-train" v verbose' -l 'verbose' -s 'v' -d 'Finish with the run\'s time and peak memory on standard error.'
complete -c 'pr-train' -n '__pr-train_should_offer_completions_for_flags_or_options "pr-train" version' -l 'version' -d 'Show the version.'
complete -c 'pr-train' -n '__pr-train_should_offer_completions_for_flags_or_options "pr-train" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pr-train' -n '__pr-train_should_offer_completions_for_positional "pr-train" -eq 2' -fa 'help' -d 'Show subcommand help information.'
complete -c 'pr-train' -n '__pr-train_should_offer_completions_for_flags_or_options "pr-train help" version' -l 'version' -d 'Show the version.'
